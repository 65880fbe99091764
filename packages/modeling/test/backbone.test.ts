import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { SSDDetector } from '../src';
import { pythonRound } from '../src/backbone/python-round';
import { referenceConfig } from './detector-helpers';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

// Shapes from a batch of zero images: every layer works out its output shape and has nothing to compute, so
// this takes milliseconds instead of a 90 GFLOP forward (the values are checked against the reference by
// the engine's parity test).
test.each([
  ['vgg_ssd300_voc0712.yaml', 300],
  ['vgg_ssd512_voc0712.yaml', 512],
])('%s: vgg feature maps match MODEL.PRIORS.FEATURE_MAPS and OUT_CHANNELS', (config, size) => {
  const cfg = referenceConfig(config);
  const model = new SSDDetector(cfg);
  const shapes = tf.tidy(() =>
    model.backbone
      .forward(tf.zeros([0, size, size, 3]) as tf.Tensor4D, { training: false })
      .map((f) => f.shape),
  );
  expect(shapes).toEqual(
    cfg.MODEL.PRIORS.FEATURE_MAPS.map((f, i) => [0, f, f, cfg.MODEL.BACKBONE.OUT_CHANNELS[i]]),
  );
  // conv4_3's L2Norm starts at the reference's scale 20 in every channel.
  expect(new Set(model.stateDict().get('backbone.l2_norm.weight')!.dataSync())).toEqual(new Set([20]));
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
