import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { pythonRound, SSDDetector } from '../src';
import { referenceConfig } from './detector-helpers';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

test.each([
  ['vgg_ssd300_voc0712.yaml', 300],
  ['vgg_ssd512_voc0712.yaml', 512],
])('%s: vgg feature maps match MODEL.PRIORS.FEATURE_MAPS and OUT_CHANNELS', (config, size) => {
  const cfg = referenceConfig(config);
  const model = new SSDDetector(cfg);
  const images = tf.randomUniform([1, size, size, 3], -120, 120, 'float32', 3) as tf.Tensor4D;
  const features = model.backbone.forward(images, { training: false });
  expect(features.map((f) => f.shape)).toEqual(
    cfg.MODEL.PRIORS.FEATURE_MAPS.map((f, i) => [1, f, f, cfg.MODEL.BACKBONE.OUT_CHANNELS[i]]),
  );
  // conv4_3 goes through L2Norm (per-position channel norm = its initial scale 20); the rest through ReLU.
  const norms = tf.sqrt(tf.sum(tf.square(features[0]), 3)).dataSync();
  expect(Math.max(...Array.from(norms, (n) => Math.abs(n - 20)))).toBeLessThan(1e-3);
  for (const f of features.slice(1)) expect(tf.min(f).dataSync()[0]).toBeGreaterThanOrEqual(0);
  tf.dispose([images, ...features]);
  model.dispose();
});

test('vgg rejects input sizes the reference has no extra layers for', () => {
  const cfg = referenceConfig('vgg_ssd300_voc0712.yaml', ['INPUT.IMAGE_SIZE', '320']);
  expect(() => new SSDDetector(cfg)).toThrow(
    'not supported: vgg backbone with INPUT.IMAGE_SIZE 320 (300 or 512)',
  );
});

test('pythonRound rounds halves to even like Python 3 (MobileNetV2 hidden widths)', () => {
  expect([0.5, 1.5, 2.5, 3.5, 1.2, 1.7, 1280 * 0.2, 256 * 0.25].map(pythonRound)).toEqual([
    0, 2, 2, 4, 1, 2, 256, 64,
  ]);
});
