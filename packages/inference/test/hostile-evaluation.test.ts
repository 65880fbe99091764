// Hostile input for evaluation (`ssd test`, training's evaluation): a config that does not fit its test data
// sets stops before inference, naming the data set and the key.

import { initBackend } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { runEvaluation } from '../src';

test('MODEL.NUM_CLASSES is checked against each test data set before inference', async () => {
  const project = await writeToyProject();
  await initBackend('js', () => {});
  const cfg = toyConfig(project);
  cfg.DATASETS.CATALOG.toy_test!.CLASS_NAMES = ['circle', 'square'];
  const model = buildDetectionModel(toyConfig(project));
  try {
    await expect(runEvaluation(model, cfg, { log: () => {}, progress: false })).rejects.toThrow(
      "MODEL.NUM_CLASSES is 6 but data set 'toy_test' has 3 classes (background and 2: circle, square); set MODEL.NUM_CLASSES 3",
    );
  } finally {
    model.dispose();
  }
});
