import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { SSDDetector } from '../src';
import { tinyMobilenetConfig } from './detector-helpers';

describe('on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  test('100 inference calls leave the tensor count flat', async () => {
    const model = new SSDDetector(tinyMobilenetConfig());
    const images = tf.randomUniform([1, 64, 64, 3], -100, 100, 'float32', 1) as tf.Tensor4D;
    await model.detect(images);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const out = await model.detect(images);
      expect(out).toHaveLength(1);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    images.dispose();
  });
});
