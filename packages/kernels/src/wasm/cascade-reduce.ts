import type { KernelFunc, NamedAttrMap, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';

/**
 * The float32 reductions this module takes over: the sorted axes, or null for inputs it leaves to wasm's own
 * kernel (other dtypes, empty tensors, no axes).
 */
function reducedAxes(x: TensorInfo, attrs: NamedAttrMap): number[] | null {
  if (x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0) return null;
  const axes = tf.util.parseAxisParam((attrs as unknown as SumAttrs).axis, x.shape).sort((a, b) => a - b);
  return axes.length === 0 ? null : axes;
}

/** Rows added per block: a power of two, so that average pooling's division by it is exact. */
const BLOCK = 16;

/**
 * Sums [outer, n, inner] over its middle axis in blocks of BLOCK rows, then the block sums in blocks, and so
 * on (zero rows pad the last block): each result is a tree of float32 additions whose rounding error grows
 * with log(n) instead of n. A level is one average pooling (XNNPACK, vectorised across `inner`) times BLOCK,
 * both exact but for the additions, so no transpose is needed when the reduced axes are contiguous.
 */
function blockwiseSumOverMiddle(x: tf.Tensor3D): tf.Tensor2D {
  let rows = x;
  while (rows.shape[1] > 1) {
    const [outer, n, inner] = rows.shape;
    const blocks = Math.ceil(n / BLOCK);
    const padded =
      blocks * BLOCK === n
        ? rows
        : tf.pad(rows, [
            [0, 0],
            [0, blocks * BLOCK - n],
            [0, 0],
          ]);
    const image = tf.reshape(padded, [outer, blocks, BLOCK, inner]) as tf.Tensor4D;
    const means = tf.avgPool(image, [1, BLOCK], [1, BLOCK], 'valid');
    rows = tf.reshape(tf.mul(means, BLOCK), [outer, blocks, inner]);
  }
  return tf.reshape(rows, [rows.shape[0], rows.shape[2]]);
}

/**
 * x summed over `axes` (sorted), shaped as a reduction without keepDims. Contiguous axes are a reshape to
 * [outer, n, inner]; any other set is first transposed to the end, as wasm's own kernel does.
 */
function cascadeSum(x: tf.Tensor, axes: number[]): tf.Tensor {
  const kept = x.shape.filter((_, i) => !axes.includes(i));
  const contiguous = axes.every((a, i) => a === axes[0]! + i);
  const ordered = contiguous
    ? x
    : tf.transpose(x, [...x.shape.keys()].filter((i) => !axes.includes(i)).concat(axes));
  const first = contiguous ? axes[0]! : kept.length;
  const outer = tf.util.sizeFromShape(ordered.shape.slice(0, first));
  const n = tf.util.sizeFromShape(axes.map((a) => x.shape[a]!));
  const inner = ordered.size / (outer * n);
  return tf.reshape(blockwiseSumOverMiddle(tf.reshape(ordered, [outer, n, inner])), kept);
}

/** Reductions of up to this many values keep wasm's sequential sum: its error, ~√(n/3) ulp, is a few ulps. */
const SEQUENTIAL_MAX = 32;

function reducedCount(x: TensorInfo, axes: number[]): number {
  return tf.util.sizeFromShape(axes.map((a) => x.shape[a]!));
}

function accurateReduction(own: KernelFunc, mean: boolean): KernelFunc {
  const accurate = opsKernel(({ x }, attrs) => {
    const axes = reducedAxes(x!, attrs)!;
    const sum = cascadeSum(x!, axes);
    const out = mean ? tf.div(sum, reducedCount(x!, axes)) : sum;
    const keepDims = Boolean((attrs as unknown as SumAttrs).keepDims);
    return keepDims
      ? tf.reshape(
          out,
          x!.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
        )
      : out;
  });
  return (args) => {
    const x = args.inputs.x!;
    const axes = reducedAxes(x, args.attrs ?? {});
    return axes && reducedCount(x, axes) > SEQUENTIAL_MAX ? accurate(args) : own(args);
  };
}

/**
 * wasm's Sum with large float32 reductions summed in a cascade. wasm's own kernel adds the reduced values one
 * after another in float32, so its error grows with their number: a 150×150 spatial mean (EfficientNet's
 * squeeze-excitation at 300 px) is off by ~1e-5 relative, which the excitation gates spread through the whole
 * network. The pure-JS backend adds in float64; PyTorch sums pairwise, close to what this does.
 */
export function cascadeSumKernel(own: KernelFunc): KernelFunc {
  return accurateReduction(own, false);
}

/** wasm's Mean with large float32 reductions summed in a cascade, then divided by the count. */
export function cascadeMeanKernel(own: KernelFunc): KernelFunc {
  return accurateReduction(own, true);
}
