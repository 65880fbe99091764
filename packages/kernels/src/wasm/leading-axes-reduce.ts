import type { KernelFunc, SumAttrs } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { leadingAxisCount } from '../leading-axes';
import { opsKernel } from '../ops-kernel';

/**
 * The means over x's first `count` axes, shaped as the reduction's output: one average pooling of x as a
 * [1, a, b, rest] image whose single window covers all a·b leading positions, which XNNPACK runs with SIMD
 * across the rest (about 15× faster than wasm's Sum, and no less accurate).
 */
function leadingMeans(x: tf.Tensor, count: number, keepDims: boolean): tf.Tensor {
  const a = tf.util.sizeFromShape(x.shape.slice(0, count - 1));
  const b = x.shape[count - 1]!;
  const rest = x.shape.slice(count);
  const image = tf.reshape(x, [1, a, b, x.size / (a * b)]) as tf.Tensor4D;
  const means = tf.avgPool(image, [a, b], 1, 'valid');
  return tf.reshape(means, keepDims ? [...new Array<number>(count).fill(1), ...rest] : rest);
}

/**
 * A Sum or Mean kernel that takes reductions over leading axes, and passes every other reduction to
 * `fallback` (wasm's own kernel). wasm's kernels transpose such a reduction to the innermost axes and then
 * add sequentially, and these reductions run on every activation in a training step (batch-norm).
 */
function overLeadingAxes(fallback: KernelFunc, mean: boolean): KernelFunc {
  const fast = opsKernel(({ x }, attrs) => {
    const count = leadingAxisCount(x!, attrs);
    const means = leadingMeans(x!, count, Boolean((attrs as unknown as SumAttrs).keepDims));
    return mean ? means : tf.mul(means, tf.util.sizeFromShape(x!.shape.slice(0, count)));
  });
  return (args) => (leadingAxisCount(args.inputs.x!, args.attrs ?? {}) > 0 ? fast(args) : fallback(args));
}

/** wasm's Sum, with reductions over leading axes computed as an average pooling times the count. */
export function sumOverLeadingAxes(fallback: KernelFunc): KernelFunc {
  return overLeadingAxes(fallback, false);
}

/** wasm's Mean, with reductions over leading axes computed as an average pooling. */
export function meanOverLeadingAxes(fallback: KernelFunc): KernelFunc {
  return overLeadingAxes(fallback, true);
}
