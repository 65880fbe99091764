import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { buildDetectionModel } from '../src';
import { tinyMobilenetConfig } from './detector-helpers';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

/** Channels of a state-dict tensor's output dimension (HWIO: last; depthwise [h, w, c, 1]: third). */
const outChannels = (t: tf.Tensor) => (t.shape[3] === 1 ? t.shape[2] : t.shape[3]);

describe('MobileNetV2 width multiplier (MODEL.BACKBONE.WIDTH_MULT)', () => {
  it.each([
    [1.0, 32, 96, 16],
    [0.5, 16, 48, 8],
    [0.75, 24, 72, 12],
  ])('width %f: stem %i, first feature map %i channels, first block %i', (width, stem, first, block) => {
    const cfg = tinyMobilenetConfig();
    cfg.MODEL.BACKBONE.WIDTH_MULT = width;
    cfg.MODEL.BACKBONE.OUT_CHANNELS = [first, 1280, 512, 256, 256, 64];
    const model = buildDetectionModel(cfg);
    try {
      const state = model.stateDict();
      expect(outChannels(state.get('backbone.features.0.0.weight')!)).toBe(stem);
      expect(outChannels(state.get('backbone.features.1.conv.1.weight')!)).toBe(block);
      // The last feature layer keeps 1280 channels (max(1, width) × 1280), as the reference's last_channel.
      expect(outChannels(state.get('backbone.features.18.0.weight')!)).toBe(1280);
      const { clsLogits } = model.predict(tf.zeros([1, 64, 64, 3]));
      expect(clsLogits.shape).toEqual([1, (16 + 4 + 1 + 1 + 1 + 1) * 6, 4]);
      clsLogits.dispose();
    } finally {
      model.dispose();
    }
  });
});
