import type { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';

/** Where one tensor lies in a shared buffer of 4-byte elements. */
export interface TensorSlot {
  key: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  size: number;
}

/**
 * The layout of the buffers main thread and workers share: the model's whole state (sent to workers before
 * each step), and each worker's output: the gradients of the trainable tensors, then the float buffers
 * (running statistics).
 */
export interface SharedLayout {
  state: TensorSlot[];
  stateLength: number;
  grads: TensorSlot[];
  buffers: TensorSlot[];
  outputLength: number;
}

function slots(entries: [string, tf.Tensor][], offset = 0): { slots: TensorSlot[]; end: number } {
  const out: TensorSlot[] = [];
  for (const [key, t] of entries) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`shared state: ${key} is ${t.dtype}`);
    out.push({ key, shape: [...t.shape], dtype: t.dtype, offset, size: t.size });
    offset += t.size;
  }
  return { slots: out, end: offset };
}

/** The shared layout of a model's state, gradients and float buffers. */
export function sharedLayout(model: SSDDetector): SharedLayout {
  const trainable = model.trainableVariables();
  const state = slots([...model.stateDict()]);
  const grads = slots([...trainable]);
  const floatBuffers = [...model.stateDict()].filter(([k, v]) => !trainable.has(k) && v.dtype === 'float32');
  const buffers = slots(floatBuffers, grads.end);
  return {
    state: state.slots,
    stateLength: state.end,
    grads: grads.slots,
    buffers: buffers.slots,
    outputLength: buffers.end,
  };
}

/** A typed view of one slot. */
export function slotView(buffer: SharedArrayBuffer, slot: TensorSlot): Float32Array | Int32Array {
  return slot.dtype === 'int32'
    ? new Int32Array(buffer, slot.offset * 4, slot.size)
    : new Float32Array(buffer, slot.offset * 4, slot.size);
}

/** A backend that lends views of its memory (wasm): its tensors are read, and written, without a copy. */
type LendingBackend = tf.KernelBackend & {
  typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array | Int32Array;
};

/**
 * Copies t's values into `out`: straight from the backend's memory where it lends a view (wasm), else read back.
 * Why: every step moves the model's state and gradients between threads; a read-back is one more copy, into
 * fresh pages, each a fault.
 */
export async function copyValues(t: tf.Tensor, out: Float32Array | Int32Array): Promise<void> {
  const backend = tf.engine().backend as LendingBackend;
  // The view is used before anything allocates (an allocation may move wasm's memory).
  if (backend.typedArrayFromHeap) out.set(backend.typedArrayFromHeap(t));
  else out.set((await t.data()) as Float32Array | Int32Array);
}

/**
 * A tensor holding a copy of `values` (which may change later, e.g. a shared buffer's): wasm copies into its
 * memory as it makes the tensor; other backends may keep the array itself, so it is copied for them first.
 */
export function tensorCopy(
  values: Float32Array | Int32Array,
  shape: number[],
  dtype: 'float32' | 'int32',
): tf.Tensor {
  const lends = (tf.engine().backend as LendingBackend).typedArrayFromHeap != null;
  return tf.tensor(lends ? values : values.slice(), shape, dtype);
}

/** Writes tensors (by slot key) into their slots. */
export async function writeSlots(
  tensors: ReadonlyMap<string, tf.Tensor>,
  slotList: TensorSlot[],
  buffer: SharedArrayBuffer,
): Promise<void> {
  for (const slot of slotList) {
    const t = tensors.get(slot.key);
    if (!t) throw new Error(`shared state: no tensor ${slot.key}`);
    await copyValues(t, slotView(buffer, slot));
  }
}

/** Assigns every slot's values to the model's tensor of that key (copied: the buffer changes later). */
export function readState(model: SSDDetector, layout: SharedLayout, buffer: SharedArrayBuffer): void {
  const state = model.stateDict();
  for (const slot of layout.state) {
    const v = state.get(slot.key);
    if (!v || v.size !== slot.size)
      throw new Error(`worker model has no tensor ${slot.key} of [${slot.shape}]`);
    tf.tidy(() => v.assign(tensorCopy(slotView(buffer, slot), slot.shape, slot.dtype)));
  }
}
