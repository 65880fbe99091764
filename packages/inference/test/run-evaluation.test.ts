import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildDataset } from '@ssd/data';
import { initBackend } from '@ssd/engine';
import { evaluateDataset } from '@ssd/eval';
import { buildDetectionModel, type SSDDetector } from '@ssd/modeling';
import { type ToyProject, toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { evaluationFormat, inference, runEvaluation } from '../src';

let project: ToyProject;
let model: SSDDetector;
const quiet = { log: () => {}, progress: false as const };

beforeAll(async () => {
  project = await writeToyProject();
  await initBackend('js', () => {});
  model = buildDetectionModel(toyConfig(project));
});

afterAll(() => model.dispose());

test("writes each test data set's metrics: those of its gathered detections, evaluated alone", async () => {
  const cfg = toyConfig(project);
  const results = await runEvaluation(model, cfg, quiet);
  expect(Object.keys(results)).toEqual(['toy_test']);
  const written = JSON.parse(
    readFileSync(path.join(cfg.OUTPUT_DIR, 'inference', 'toy_test', 'metrics.json'), 'utf8'),
  );
  expect(written).toEqual(results.toy_test!.metrics);
  expect(Object.keys(written)).toEqual(['mAP', 'circle', 'square', 'triangle', 'star', 'hexagon']);

  // What a coordinator does with detections gathered from workers: one image per batch this time.
  const dataset = buildDataset(cfg, ['toy_test'], false);
  const gathered = await inference(model, toyConfig(project, ['TEST.BATCH_SIZE', '1']), dataset, {
    progress: false,
  });
  expect(gathered.reduce((n, d) => n + d.scores.length, 0)).toBeGreaterThan(0);
  expect(gathered.map((d) => d.imageId)).toEqual(Array.from({ length: 4 }, (_, i) => dataset.imageId(i)));
  const alone = evaluateDataset(dataset, gathered, { format: evaluationFormat(dataset) });
  expect(alone.metrics).toEqual(results.toy_test!.metrics);
  expect(alone.table).toBe(results.toy_test!.table);
});
