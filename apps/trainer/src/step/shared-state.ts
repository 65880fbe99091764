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

/** Writes tensors (by slot key) into their slots. */
export async function writeSlots(
  tensors: ReadonlyMap<string, tf.Tensor>,
  slotList: TensorSlot[],
  buffer: SharedArrayBuffer,
): Promise<void> {
  for (const slot of slotList) {
    const t = tensors.get(slot.key);
    if (!t) throw new Error(`shared state: no tensor ${slot.key}`);
    slotView(buffer, slot).set((await t.data()) as Float32Array | Int32Array);
  }
}

/** Assigns every slot's values to the model's tensor of that key (copied: the buffer changes later). */
export function readState(model: SSDDetector, layout: SharedLayout, buffer: SharedArrayBuffer): void {
  const state = model.stateDict();
  for (const slot of layout.state) {
    const v = state.get(slot.key);
    if (!v || v.size !== slot.size)
      throw new Error(`worker model has no tensor ${slot.key} of [${slot.shape}]`);
    tf.tidy(() => v.assign(tf.tensor(slotView(buffer, slot).slice(), slot.shape, slot.dtype)));
  }
}
