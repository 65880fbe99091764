/**
 * How a tensor is laid out in a PyTorch state_dict versus in our NHWC tfjs model, and the conversion between
 * the two, so importing a `.pth` is a name lookup plus a transpose.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * - `same`: identical element order (biases, BatchNorm vectors, L2Norm scale, scalars).
 * - `conv`: PyTorch OIHW [out, in, kh, kw] ↔ tfjs HWIO [kh, kw, in, out].
 * - `depthwise`: PyTorch [C·M, 1, kh, kw] (groups = C) ↔ tfjs [kh, kw, C, M].
 * - `linear`: PyTorch [out, in] ↔ tfjs [in, out].
 */
export type TorchLayout = 'same' | 'conv' | 'depthwise' | 'linear';

/** A tensor as read from a PyTorch checkpoint (e.g. by readTorchCheckpoint): PyTorch shape and dtype, row-major data. */
export interface TorchTensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
}

const FLOAT_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);
const INT_DTYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint8']);

/** Copies checkpoint data into a Float32Array or Int32Array, rejecting a dtype of the wrong kind. */
function toTypedArray(
  name: string,
  t: TorchTensorLike,
  dtype: 'float32' | 'int32',
): Float32Array | Int32Array {
  const kinds = dtype === 'float32' ? FLOAT_DTYPES : INT_DTYPES;
  if (!kinds.has(t.dtype)) {
    throw new Error(
      `tensor ${name}: expected a ${dtype === 'float32' ? 'floating' : 'integer'} dtype, got ${t.dtype}`,
    );
  }
  if (dtype === 'float32' && t.data instanceof Float32Array) return t.data;
  const out = dtype === 'float32' ? new Float32Array(t.data.length) : new Int32Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/** Converts a PyTorch tensor to a new tfjs tensor of shape `tfShape` in our layout. */
export function tensorFromTorch(
  name: string,
  t: TorchTensorLike,
  layout: TorchLayout,
  tfShape: readonly number[],
  dtype: 'float32' | 'int32',
): tf.Tensor {
  const values = toTypedArray(name, t, dtype);
  return tf.tidy(() => {
    const raw = tf.tensor(values, [...t.shape], dtype);
    switch (layout) {
      case 'same':
        return tf.reshape(raw, [...tfShape]);
      case 'conv':
        return tf.transpose(raw, [2, 3, 1, 0]);
      case 'depthwise': {
        const [kh, kw, c, m] = tfShape;
        return tf.transpose(tf.reshape(raw, [c, m, kh, kw]), [2, 3, 0, 1]);
      }
      case 'linear':
        return tf.transpose(raw, [1, 0]);
    }
  });
}
