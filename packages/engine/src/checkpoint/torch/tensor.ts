import type { TorchDType, TorchTensorData } from './dtypes';

/** A tensor read from a checkpoint: a contiguous row-major copy of its elements. */
export interface TorchTensor {
  shape: number[];
  dtype: TorchDType;
  data: TorchTensorData;
}

/**
 * How many elements the tensors of one checkpoint copy, against how many its storages hold. A
 * state_dict's tensors are disjoint views of their storages (a few repeat one, for tied weights), so
 * copies beyond {@link CopyBudget.FACTOR} times the storages come from stride-0 expansions or
 * overlapping views made to exhaust memory.
 */
export class CopyBudget {
  static readonly FACTOR = 4;
  storageElements = 0;
  copiedElements = 0;
}

/** A decoded storage: the flat element buffer that one or more tensors view. */
export class TorchStorage {
  constructor(
    /** Where the storage came from (zip entry path), for error messages. */
    readonly name: string,
    readonly dtype: TorchDType,
    readonly data: TorchTensorData,
    /** The budget of the checkpoint this storage belongs to; it counts the storage's elements. */
    readonly budget = new CopyBudget(),
  ) {
    budget.storageElements += data.length;
  }
}

/** Element-wise access shared by all typed arrays (bigint for BigInt64Array). */
interface ElementArray {
  readonly length: number;
  [index: number]: number | bigint;
}

function isIndexList(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}

/** Whether `value` has the TorchTensor shape (only the allow-listed rebuild functions make them). */
export function isTorchTensor(value: unknown): value is TorchTensor {
  if (typeof value !== 'object' || value === null) return false;
  const { shape, dtype, data } = value as Partial<TorchTensor>;
  return Array.isArray(shape) && typeof dtype === 'string' && ArrayBuffer.isView(data);
}

/** Product of the dimensions. */
export function numElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

/** Copies a strided view into row-major order, walking the index like an odometer. */
function gatherStrided(
  source: ElementArray,
  target: ElementArray,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
): void {
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = offset;
  for (let i = 0; i < target.length; i++) {
    target[i] = source[at];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) {
        at += stride[d];
        break;
      }
      at -= stride[d] * (shape[d] - 1);
      index[d] = 0;
    }
  }
}

/**
 * Builds a tensor viewing `storage` at `offset` with `size` and `stride` (PyTorch's
 * `_rebuild_tensor_v2` arguments), as an independent row-major copy. Copies beyond the storage's
 * {@link CopyBudget} are refused before anything is allocated.
 */
export function tensorFromStorage(
  storage: TorchStorage,
  offset: unknown,
  size: unknown,
  stride: unknown,
): TorchTensor {
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) {
    throw new Error(`tensor over storage '${storage.name}' has a bad offset ${String(offset)}`);
  }
  if (!isIndexList(size) || !isIndexList(stride) || size.length !== stride.length) {
    throw new Error(`tensor over storage '${storage.name}' has a bad size/stride`);
  }
  const start = offset as number;
  const count = numElements(size);
  const held = storage.data.length;
  if (count > 0) {
    const last = start + size.reduce((sum, n, d) => sum + (n - 1) * stride[d], 0);
    if (last >= held) {
      throw new Error(
        `tensor over storage '${storage.name}' reaches element ${last} but the storage holds ${held}`,
      );
    }
  }
  const { budget } = storage;
  budget.copiedElements += count;
  if (budget.copiedElements > CopyBudget.FACTOR * budget.storageElements) {
    throw new Error(
      count > held
        ? `tensor over storage '${storage.name}' has ${count} elements but the storage holds ${held}: a stride-0 view this large is refused`
        : `tensor over storage '${storage.name}' refused: the tensors so far copy ${budget.copiedElements} elements, more than ${CopyBudget.FACTOR}× their storages' ${budget.storageElements} (overlapping views)`,
    );
  }
  const isContiguous = contiguousStrides(size).every((s, d) => s === stride[d] || size[d] === 1);
  let data: TorchTensorData;
  if (isContiguous) {
    data = storage.data.slice(start, start + count);
  } else {
    data = new (storage.data.constructor as new (length: number) => TorchTensorData)(count);
    // Dimensions of size 1 do not move the index; dropping them keeps the walk linear in `count`.
    const dims = size.map((n, d) => [n, stride[d]!] as const).filter(([n]) => n !== 1);
    gatherStrided(
      storage.data,
      data,
      start,
      dims.map(([n]) => n),
      dims.map(([, s]) => s),
    );
  }
  return { shape: [...size], dtype: storage.dtype, data };
}

/**
 * The tensor's values as float32: its own array when already float32, else a converted copy
 * (int64 values beyond 2^24 round, as PyTorch's `.float()` does).
 */
export function tensorToFloat32(tensor: TorchTensor): Float32Array {
  const { data } = tensor;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data);
}
