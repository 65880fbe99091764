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

/** Which way `permuteLayout` converts. */
type Direction = 'fromTorch' | 'toTorch';

/**
 * Reorders row-major data between PyTorch's layout and ours with plain loops (not tfjs ops), so converting a
 * checkpoint costs the same on every backend and allocates one copy per tensor.
 */
function permuteLayout<T extends Float32Array | Int32Array>(
  values: T,
  layout: TorchLayout,
  tfShape: readonly number[],
  direction: Direction,
  into?: T,
): T {
  if (layout === 'same') return values;
  const out = into ?? new (values.constructor as new (n: number) => T)(values.length);
  const toTorch = direction === 'toTorch';
  const move = (torchIndex: number, ourIndex: number) => {
    if (toTorch) out[torchIndex] = values[ourIndex];
    else out[ourIndex] = values[torchIndex];
  };
  if (layout === 'linear') {
    // [out, in] ↔ [in, out]
    const [inF, outF] = tfShape;
    for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) move(o * inF + i, i * outF + o);
    return out;
  }
  // conv: [O, I, kh, kw] ↔ [kh, kw, I, O]; depthwise: [C·M, 1, kh, kw] = [C, M, kh, kw] ↔ [kh, kw, C, M].
  // Both pair PyTorch index ((a·B + b)·kh + y)·kw + x with ours ((y·kw + x)·D3 + d3)·D4 + d4.
  const [kh, kw, d3, d4] = tfShape;
  const conv = layout === 'conv';
  const outer = conv ? d4 : d3;
  const inner = conv ? d3 : d4;
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const src = (a * inner + b) * kh * kw;
      const dst = conv ? b * d4 + a : a * d4 + b;
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) move(src + y * kw + x, (y * kw + x) * d3 * d4 + dst);
    }
  }
  return out;
}

/**
 * Our row-major values of a tensor of shape `tfShape` rearranged into PyTorch's layout (and ONNX's: OIHW), in
 * `into` when given (an array of the same length, reused by callers that convert every step).
 */
export function toTorchLayout(
  values: Float32Array,
  layout: TorchLayout,
  tfShape: readonly number[],
  into?: Float32Array,
): Float32Array {
  return permuteLayout(values, layout, tfShape, 'toTorch', into);
}

/** Converts a PyTorch tensor to a new tfjs tensor of shape `tfShape` in our layout. */
export function tensorFromTorch(
  name: string,
  t: TorchTensorLike,
  layout: TorchLayout,
  tfShape: readonly number[],
  dtype: 'float32' | 'int32',
): tf.Tensor {
  return tf.tensor(
    permuteLayout(toTypedArray(name, t, dtype), layout, tfShape, 'fromTorch'),
    [...tfShape],
    dtype,
  );
}
