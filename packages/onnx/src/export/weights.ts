/** A model variable's values in the layout an ONNX initializer needs. */
import { nn } from '@ssd/modeling';
import type * as tf from '@tensorflow/tfjs-core';
import type { WeightLayout } from '../emit/registry';

/** The variable's values rearranged for `layout` (ONNX's conv layouts are PyTorch's), and the initializer's dims. */
export function weightData(
  variable: tf.Variable,
  layout: WeightLayout,
): { data: Float32Array; dims: number[] } {
  const values = variable.dataSync() as Float32Array;
  const shape = variable.shape;
  if (layout === 'conv' || layout === 'depthwise') {
    const [kh, kw, c, m] = shape;
    const dims = layout === 'conv' ? [m, c, kh, kw] : [c * m, 1, kh, kw];
    return { data: nn.toTorchLayout(values, layout, shape), dims };
  }
  return { data: values, dims: layout === 'channel' ? [1, shape[0], 1, 1] : [...shape] };
}
