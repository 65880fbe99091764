import '@tensorflow/tfjs-backend-cpu';
import * as path from 'node:path';
import { loadConfig } from '@ssd/config';
import { BACKBONES, buildDetectionModel } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { TOY_BACKBONE } from '../src';

const CONFIG = path.resolve(__dirname, '../configs/toy_ssd32.yaml');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('importing the package registers its backbone beside the built-in ones', () => {
  expect(BACKBONES.names()).toEqual(expect.arrayContaining(['vgg', 'mobilenet_v2', TOY_BACKBONE]));
});

test('a config naming the backbone builds a detector that runs forward', async () => {
  const model = buildDetectionModel(loadConfig(CONFIG));
  expect([...model.stateDict().keys()].filter((k) => k.startsWith('backbone.'))).toEqual([
    'backbone.stages.0.0.weight',
    'backbone.stages.0.1.weight',
    'backbone.stages.0.1.bias',
    'backbone.stages.0.1.running_mean',
    'backbone.stages.0.1.running_var',
    'backbone.stages.0.1.num_batches_tracked',
    'backbone.stages.1.0.weight',
    'backbone.stages.1.1.weight',
    'backbone.stages.1.1.bias',
    'backbone.stages.1.1.running_mean',
    'backbone.stages.1.1.running_var',
    'backbone.stages.1.1.num_batches_tracked',
    'backbone.stages.2.0.weight',
    'backbone.stages.2.1.weight',
    'backbone.stages.2.1.bias',
    'backbone.stages.2.1.running_mean',
    'backbone.stages.2.1.running_var',
    'backbone.stages.2.1.num_batches_tracked',
  ]);
  const images = tf.randomUniform([2, 32, 32, 3], -100, 100, 'float32', 1) as tf.Tensor4D;
  const { clsLogits, bboxPred } = model.predict(images);
  // 8·8·4 + 4·4·6 priors.
  expect(clsLogits.shape).toEqual([2, 352, 3]);
  expect(bboxPred.shape).toEqual([2, 352, 4]);
  const detections = await model.forward(images);
  expect(detections).toHaveLength(2);
  for (const d of detections) expect(d.boxes.length).toBe(4 * d.labels.length);
  tf.dispose([images, clsLogits, bboxPred]);
  model.dispose();
});

test('a config with an unregistered backbone name lists what is registered', () => {
  expect(() => buildDetectionModel(loadConfig(CONFIG, ['MODEL.BACKBONE.NAME', 'toy_backbone_v2']))).toThrow(
    new RegExp(
      `unknown backbone 'toy_backbone_v2' \\(MODEL\\.BACKBONE\\.NAME\\); registered: .*${TOY_BACKBONE}`,
    ),
  );
});
