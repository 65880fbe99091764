import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** A backend that can lend a tensor's data without copying it (wasm lends a view of its heap). */
type LendingBackend = KernelBackend & { typedArrayFromHeap?: (t: TensorInfo) => Float32Array };

/**
 * t's float32 values: a view of the backend's memory where it lends one (wasm), else a copy. A view is valid
 * until the next allocation (growing wasm's memory detaches it), so take views after allocating.
 * Why: on this kind of machine every fresh page of a JS array costs a fault, about 6 ms per MB, far more
 * than the loops that read it; wasm's heap keeps its pages.
 */
export function floats(t: TensorInfo): Float32Array {
  const backend = tf.engine().backend as LendingBackend;
  return backend.typedArrayFromHeap
    ? backend.typedArrayFromHeap(t)
    : (backend.readSync(t.dataId) as Float32Array);
}

/** Whether `floats` lends views that writes go through to (so a kernel may fill a tensor in place). */
export function lendsViews(): boolean {
  return (tf.engine().backend as LendingBackend).typedArrayFromHeap != null;
}

/**
 * A float32 tensor of `shape` filled in place by `fill` (given its view) where the backend lends views,
 * else built from a fresh array. Either way the values end up in the backend's own memory.
 */
export function tensorFilledBy(shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  if (!lendsViews()) {
    const values = new Float32Array(tf.util.sizeFromShape(shape));
    fill(values);
    return tf.tensor(values, shape);
  }
  // tf.fill runs the backend's Fill kernel in its own memory; tf.zeros would start from a fresh JS array.
  const out = tf.fill(shape, 0, 'float32');
  fill(floats(out));
  return out;
}
