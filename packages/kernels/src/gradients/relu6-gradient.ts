import type { GradConfig } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernel name: inputs `{dy, x}`, output dy·mask with mask 1 where 0 < x ≤ 6, 0 elsewhere, NaN where x is NaN —
 * Relu6's gradient in one pass, for backends where each composed op is a dispatch (webgpu).
 */
export const RELU6_GRAD = 'SsdRelu6Grad';

/**
 * Relu6's gradient, dy where 0 < x ≤ 6 and 0 elsewhere, with the mask as step(x) − step(x − 6) instead of
 * tfjs's lessEqual(x, 6) · step(x): the same values bit for bit (x − 6 > 0 exactly when x > 6, and NaN or
 * ±∞ give what tfjs's mask gives), but wasm compares about 5× slower than it subtracts, and every
 * MobileNet block takes this gradient on a full-size activation. A backend that registers {@link RELU6_GRAD}
 * runs it as that one kernel instead of five.
 */
export const relu6Gradient: GradConfig = {
  kernelName: tf.Relu6,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    const g = dy as tf.Tensor;
    if (tf.getKernel(RELU6_GRAD, tf.getBackend()) != null) {
      return { x: () => tf.engine().runKernel(RELU6_GRAD, { dy: g, x } as tf.NamedTensorMap) as tf.Tensor };
    }
    return { x: () => tf.mul(g, tf.sub(tf.step(x), tf.step(tf.sub(x, 6)))) };
  },
};
