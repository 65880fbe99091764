/** Element types a PyTorch checkpoint tensor may have. */
export type TorchDType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/**
 * Element storage of a tensor: int64 → BigInt64Array (exact), float16 and bfloat16 → Float32Array
 * (widened exactly; JS has no portable 16-bit float array), bool → Uint8Array of 0/1.
 */
export type TorchTensorData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** How one dtype is stored in a checkpoint and decoded from its little-endian bytes. */
export interface DTypeSpec {
  dtype: TorchDType;
  /** Legacy typed-storage class that names this dtype in the pickle (`torch.<storageClass>`). */
  storageClass: string;
  itemSize: number;
  /** The typed array holding decoded elements. */
  ArrayType: TypedArrayConstructor;
  /** True when decoding widens the elements (16-bit floats → Float32Array), so raw bytes cannot be reused. */
  widened: boolean;
  /** Decodes `numel` elements from bytes that start on an `itemSize`-aligned offset. */
  decode(bytes: Uint8Array, numel: number): TorchTensorData;
}

/** Decodes IEEE 754 half-precision bits. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Constructor of one of the {@link TorchTensorData} arrays. */
export interface TypedArrayConstructor {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): TorchTensorData;
  readonly BYTES_PER_ELEMENT: number;
}

function buildNative(dtype: TorchDType, storageClass: string, Ctor: TypedArrayConstructor): DTypeSpec {
  return {
    dtype,
    storageClass,
    itemSize: Ctor.BYTES_PER_ELEMENT,
    ArrayType: Ctor,
    widened: false,
    decode: (bytes, numel) => new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, numel),
  };
}

function buildWidened(dtype: TorchDType, storageClass: string, widen: (bits: number) => number): DTypeSpec {
  return {
    dtype,
    storageClass,
    itemSize: 2,
    ArrayType: Float32Array,
    widened: true,
    decode: (bytes, numel) => {
      const bits = new Uint16Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, numel);
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = widen(bits[i]);
      return out;
    },
  };
}

const bfloatScratch = new Float32Array(1);
const bfloatScratchBits = new Uint32Array(bfloatScratch.buffer);

/** bfloat16 is the top half of a float32. */
function bfloatToFloat(bits: number): number {
  bfloatScratchBits[0] = bits << 16;
  return bfloatScratch[0];
}

/** Every supported dtype, keyed by dtype. */
export const DTYPES: ReadonlyMap<TorchDType, DTypeSpec> = new Map(
  [
    buildNative('float32', 'FloatStorage', Float32Array),
    buildNative('float64', 'DoubleStorage', Float64Array),
    buildWidened('float16', 'HalfStorage', halfToFloat),
    buildWidened('bfloat16', 'BFloat16Storage', bfloatToFloat),
    buildNative('int64', 'LongStorage', BigInt64Array),
    buildNative('int32', 'IntStorage', Int32Array),
    buildNative('int16', 'ShortStorage', Int16Array),
    buildNative('int8', 'CharStorage', Int8Array),
    buildNative('uint8', 'ByteStorage', Uint8Array),
    buildNative('bool', 'BoolStorage', Uint8Array),
  ].map((spec) => [spec.dtype, spec]),
);

/** Typed arrays view memory in host byte order; checkpoints are little-endian. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
