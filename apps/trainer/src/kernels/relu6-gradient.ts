import type { GradConfig } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Relu6's gradient, dy where 0 < x ≤ 6 and 0 elsewhere, with the mask as step(x) − step(x − 6) instead of
 * tfjs's lessEqual(x, 6) · step(x): the same values bit for bit (x − 6 > 0 exactly when x > 6, and NaN or
 * ±∞ give what tfjs's mask gives), but wasm compares about 5× slower than it subtracts, and every
 * MobileNet block takes this gradient on a full-size activation.
 */
export const relu6Gradient: GradConfig = {
  kernelName: tf.Relu6,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.mul(dy as tf.Tensor, tf.sub(tf.step(x), tf.step(tf.sub(x, 6)))) };
  },
};
