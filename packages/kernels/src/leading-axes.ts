import type { NamedAttrMap, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * How many leading axes a float32 reduction sums over when those are axes [0, k) of a tensor with more
 * axes than that (batch-norm statistics and their gradients, bias gradients); 0 for any other reduction.
 */
export function leadingAxisCount(x: TensorInfo, attrs: NamedAttrMap): number {
  if (x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0) return 0;
  const axes = tf.util.parseAxisParam((attrs as unknown as SumAttrs).axis, x.shape).sort((a, b) => a - b);
  if (axes.length >= x.shape.length || axes.some((a, i) => a !== i)) return 0;
  return axes.length;
}
