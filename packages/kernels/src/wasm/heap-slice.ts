import * as tf from '@tensorflow/tfjs-core';
import { type KernelFunc, type SliceAttrs, slice_util } from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import { floats, lendsViews, tensorFilledBy } from './heap';

/**
 * Copies the block of `src` (row-major, `shape`) that starts at `start` and spans `extent` into `out`: one
 * contiguous run per index of the axes before the last partly taken one.
 */
export function copyBlock(
  src: Float32Array,
  shape: readonly number[],
  start: readonly number[],
  extent: readonly number[],
  out: Float32Array,
): void {
  const strides = tf.util.computeStrides(shape as number[]);
  const stride = (axis: number) => (axis === shape.length - 1 ? 1 : strides[axis]!);
  // Trailing axes taken whole merge into the run of the last axis that is not.
  let axis = shape.length - 1;
  let run = 1;
  while (axis > 0 && start[axis] === 0 && extent[axis] === shape[axis]) run *= shape[axis--]!;
  run *= extent[axis]!;
  const index = new Array<number>(axis).fill(0);
  for (let at = 0; at < out.length; at += run) {
    let from = start[axis]! * stride(axis);
    for (let i = 0; i < axis; i++) from += (start[i]! + index[i]!) * stride(i);
    out.set(src.subarray(from, from + run), at);
    for (let i = axis - 1; i >= 0; i--) {
      if (++index[i]! < extent[i]!) break;
      index[i] = 0;
    }
  }
}

/**
 * Slice that reads float32 input through a view of wasm's heap. wasm's own kernel first copies the whole
 * input into a fresh JS array (readSync) for every slice, which cost more than the rest of some gradient
 * kernels; other dtypes and empty slices still go to `own`.
 */
export function heapSlice(own: KernelFunc): KernelFunc {
  const viaHeap = opsKernel(({ x }, attrs) => {
    const { begin, size } = attrs as unknown as SliceAttrs;
    const [start, extent] = slice_util.parseSliceParams(x!, begin, size);
    return tensorFilledBy(extent, (out) => copyBlock(floats(x!), x!.shape, start, extent, out));
  });
  return (args) => {
    const x = args.inputs.x!;
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [, extent] = slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const usable = x.dtype === 'float32' && x.shape.length > 0 && tf.util.sizeFromShape(extent) > 0;
    return usable && lendsViews() ? viaHeap(args) : own(args);
  };
}
