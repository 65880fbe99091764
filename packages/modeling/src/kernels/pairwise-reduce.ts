import type { KernelFunc, NamedAttrMap, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { opsKernel } from './ops-kernel';

/**
 * The float32 reductions this module takes over: the sorted axes, or null for inputs it leaves to wasm's own
 * kernel (other dtypes, empty tensors, no axes).
 */
function reducedAxes(x: TensorInfo, attrs: NamedAttrMap): number[] | null {
  if (x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0) return null;
  const axes = tf.util.parseAxisParam((attrs as unknown as SumAttrs).axis, x.shape).sort((a, b) => a - b);
  return axes.length === 0 ? null : axes;
}

/**
 * Sums [outer, n, inner] over its middle axis by pairwise (cascade) summation: each pass adds the second half
 * of the rows to the first (an odd row out is added to a zero row), so every result is a balanced tree of
 * float32 additions whose rounding error grows with log2(n) instead of n. Each pass is one elementwise add
 * over whole rows, vectorised across `inner`, so no transpose is needed when the reduced axes are contiguous.
 */
function pairwiseSumOverMiddle(x: tf.Tensor3D): tf.Tensor2D {
  let rows = x;
  while (rows.shape[1] > 1) {
    const n = rows.shape[1];
    const half = Math.ceil(n / 2);
    const head = tf.slice(rows, [0, 0, 0], [-1, half, -1]);
    let tail = tf.slice(rows, [0, half, 0], [-1, n - half, -1]);
    if (n - half < half)
      tail = tf.pad(tail, [
        [0, 0],
        [0, 1],
        [0, 0],
      ]);
    rows = tf.add(head, tail);
  }
  return tf.reshape(rows, [rows.shape[0], rows.shape[2]]);
}

/**
 * x summed over `axes` (sorted), shaped as a reduction without keepDims. Contiguous axes are a reshape to
 * [outer, n, inner]; any other set is first transposed to the end, as wasm's own kernel does.
 */
function pairwiseSum(x: tf.Tensor, axes: number[]): tf.Tensor {
  const kept = x.shape.filter((_, i) => !axes.includes(i));
  const contiguous = axes.every((a, i) => a === axes[0]! + i);
  const ordered = contiguous
    ? x
    : tf.transpose(x, [...x.shape.keys()].filter((i) => !axes.includes(i)).concat(axes));
  const first = contiguous ? axes[0]! : kept.length;
  const outer = tf.util.sizeFromShape(ordered.shape.slice(0, first));
  const n = tf.util.sizeFromShape(axes.map((a) => x.shape[a]!));
  const inner = ordered.size / (outer * n);
  return tf.reshape(pairwiseSumOverMiddle(tf.reshape(ordered, [outer, n, inner])), kept);
}

function accurateReduction(own: KernelFunc, mean: boolean): KernelFunc {
  const accurate = opsKernel(({ x }, attrs) => {
    const axes = reducedAxes(x!, attrs)!;
    const sum = pairwiseSum(x!, axes);
    const out = mean ? tf.div(sum, tf.util.sizeFromShape(axes.map((a) => x!.shape[a]!))) : sum;
    const keepDims = Boolean((attrs as unknown as SumAttrs).keepDims);
    return keepDims
      ? tf.reshape(
          out,
          x!.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
        )
      : out;
  });
  return (args) => (reducedAxes(args.inputs.x!, args.attrs ?? {}) ? accurate(args) : own(args));
}

/**
 * wasm's Sum with float32 inputs summed pairwise. wasm's own kernel adds the reduced values one after another
 * in float32, so its error grows with their number: a 150×150 spatial mean (EfficientNet's squeeze-excitation
 * at 300 px) is off by ~1e-5 relative, which the excitation gates spread through the whole network. The
 * pure-JS backend adds in float64; PyTorch sums pairwise, as this does.
 */
export function pairwiseSumKernel(own: KernelFunc): KernelFunc {
  return accurateReduction(own, false);
}

/** wasm's Mean with float32 inputs summed pairwise, then divided by the count (see `pairwiseSumKernel`). */
export function pairwiseMeanKernel(own: KernelFunc): KernelFunc {
  return accurateReduction(own, true);
}
