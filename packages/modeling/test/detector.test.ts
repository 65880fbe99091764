import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { SSDDetector } from '../src';
import { tinyMobilenetConfig } from './detector-helpers';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

/** Seeded random values for every tensor (positive variances), so outputs depend on all of them. */
function randomState(model: SSDDetector): Map<string, tf.Tensor> {
  let seed = 100;
  return new Map(
    [...model.stateDict()].map(([name, v]) => {
      if (v.dtype === 'int32') return [name, tf.scalar(7, 'int32')];
      const r = tf.randomUniform(v.shape, -0.5, 0.5, 'float32', seed++);
      return [name, name.endsWith('running_var') ? tf.add(r, 1) : r];
    }),
  );
}

const images = () => tf.randomUniform([2, 64, 64, 3], -120, 120, 'float32', 11) as tf.Tensor4D;

test('stateDict → loadStateDict copies every tensor: the copy predicts identically', () => {
  const a = new SSDDetector(tinyMobilenetConfig(), { seed: 1 });
  const b = new SSDDetector(tinyMobilenetConfig(), { seed: 2 });
  const state = randomState(a);
  a.loadStateDict(state);
  tf.dispose([...state.values()]);
  expect(a.stateDict().get('backbone.features.0.1.num_batches_tracked')!.dataSync()[0]).toBe(7);
  const x = images();
  const pa = a.predict(x);
  const before = b.predict(x);
  expect(tf.max(tf.abs(tf.sub(pa.clsLogits, before.clsLogits))).dataSync()[0]).toBeGreaterThan(0.1);
  b.loadStateDict(a.stateDict(), 'a');
  const pb = b.predict(x);
  expect(Array.from(pb.clsLogits.dataSync())).toEqual(Array.from(pa.clsLogits.dataSync()));
  expect(Array.from(pb.bboxPred.dataSync())).toEqual(Array.from(pa.bboxPred.dataSync()));
  tf.dispose([x, pa.clsLogits, pa.bboxPred, before.clsLogits, before.bboxPred, pb.clsLogits, pb.bboxPred]);
  a.dispose();
  b.dispose();
});

test('the same seed (default: cfg.SEED) gives the same weights; dispose frees them all', () => {
  const tensors = tf.memory().numTensors;
  const cfg = tinyMobilenetConfig();
  cfg.SEED = 5;
  const a = new SSDDetector(cfg);
  const b = new SSDDetector(cfg, { seed: 5 });
  const key = 'box_head.predictor.cls_headers.0.conv.3.weight';
  expect(Array.from(a.stateDict().get(key)!.dataSync())).toEqual(
    Array.from(b.stateDict().get(key)!.dataSync()),
  );
  a.dispose();
  b.dispose();
  expect(tf.memory().numTensors).toBe(tensors);
});

test('trainable variables are the parameters, not the BatchNorm buffers', () => {
  const model = new SSDDetector(tinyMobilenetConfig());
  const trainable = [...model.trainableVariables().keys()];
  expect(trainable).toContain('backbone.features.0.1.weight');
  expect(trainable.filter((k) => /running_|num_batches/.test(k))).toEqual([]);
  const buffers = [...model.stateDict().keys()].filter((k) => !model.trainableVariables().has(k));
  expect(buffers.every((k) => /running_mean|running_var|num_batches_tracked/.test(k))).toBe(true);
  model.dispose();
});

test('forward() in inference gives detections per image, in input pixels and sorted by score', async () => {
  const model = new SSDDetector(tinyMobilenetConfig());
  const x = images();
  const detections = await model.forward(x);
  expect(detections).toHaveLength(2);
  for (const d of detections) {
    expect(d.boxes.length).toBe(4 * d.scores.length);
    expect(d.scores.length).toBeLessThanOrEqual(100);
    expect(Array.from(d.scores)).toEqual(Array.from(d.scores).sort((p, q) => q - p));
    expect(Array.from(d.labels).every((l) => l >= 1 && l < 4)).toBe(true);
    // Boxes are scaled by INPUT.IMAGE_SIZE (64): centres lie inside the image.
    for (let i = 0; i < d.scores.length; i++) {
      const cx = (d.boxes[4 * i] + d.boxes[4 * i + 2]) / 2;
      expect(cx).toBeGreaterThan(-64);
      expect(cx).toBeLessThan(128);
    }
  }
  x.dispose();
  model.dispose();
});

test('bad input is reported with its shape; an image size the priors do not fit names the config keys', () => {
  const model = new SSDDetector(tinyMobilenetConfig());
  const gray = tf.zeros([1, 64, 64, 1]) as tf.Tensor4D;
  expect(() => model.predict(gray)).toThrow(
    'SSDDetector expects NHWC images [N, H, W, 3], got shape [1, 64, 64, 1]',
  );
  const big = tf.zeros([1, 96, 96, 3]) as tf.Tensor4D;
  expect(() => model.predict(big)).toThrow(
    /the network gives \d+ boxes per image but MODEL.PRIORS defines 144: check INPUT.IMAGE_SIZE \(64\)/,
  );
  tf.dispose([gray, big]);
  model.dispose();
});
