/** A model variable's values in the layout an ONNX initializer needs (read once, on the current backend). */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightLayout } from '../emit/registry';

/** The variable's values rearranged for `layout`, and the initializer's dims. */
export function weightData(variable: tf.Variable, layout: WeightLayout): { data: Float32Array; dims: number[] } {
  return tf.tidy(() => {
    const shape = variable.shape;
    if (layout === 'conv') {
      const t = tf.transpose(variable, [3, 2, 0, 1]);
      return { data: t.dataSync() as Float32Array, dims: t.shape };
    }
    if (layout === 'depthwise') {
      const [kh, kw, c, m] = shape;
      const t = tf.transpose(variable, [2, 3, 0, 1]);
      return { data: t.dataSync() as Float32Array, dims: [c * m, 1, kh, kw] };
    }
    const data = variable.dataSync() as Float32Array;
    return { data, dims: layout === 'channel' ? [1, shape[0], 1, 1] : [...shape] };
  });
}
