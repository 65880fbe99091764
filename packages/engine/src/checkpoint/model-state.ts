import type { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import type { TensorRecord } from './safetensors-format';

/** The model's state dict as plain data, for checkpoints. */
export async function modelStateRecords(model: SSDDetector): Promise<Map<string, TensorRecord>> {
  const out = new Map<string, TensorRecord>();
  for (const [key, v] of model.stateDict()) {
    const dtype = v.dtype === 'int32' ? 'int32' : 'float32';
    const data = (await v.data()) as Float32Array | Int32Array;
    out.set(key, {
      shape: [...v.shape],
      dtype,
      data: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data),
    });
  }
  return out;
}

/** Loads a state dict saved by `modelStateRecords` into the model (strict; errors name the tensor). */
export function loadModelStateRecords(
  model: SSDDetector,
  records: ReadonlyMap<string, TensorRecord>,
  source: string,
): void {
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [key, r] of records) tensors.set(key, tf.tensor(r.data, r.shape, r.dtype));
    model.loadStateDict(tensors, source);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
