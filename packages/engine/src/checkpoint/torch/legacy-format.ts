/**
 * PyTorch's legacy `torch.save` format (before 1.6, and `_use_new_zipfile_serialization=False`), which the
 * published ImageNet and model-zoo files use: consecutive pickles — magic number, protocol version, system
 * info, the object (tensors refer to storages by key), the sorted storage keys — then each storage's raw data,
 * an int64 element count followed by the elements.
 */
import { cutText } from '@ssd/files';
import { HOST_IS_LITTLE_ENDIAN } from './dtypes';
import type { TensorLimit } from './storage-loader';
import { CopyBudget, TorchStorage } from './tensor';
import { StorageType } from './torch-globals';
import { PickleCallable, SET_STATE, type UnpickleOptions, unpickleFirst } from './unpickle';

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** The bounds a legacy file is read within (the zip format's, see `readTorchCheckpoint`). */
export interface LegacyLimits {
  /** The most bytes each of its pickles may take. */
  maxPickleBytes: number;
  /** The most bytes its storages together may take. */
  tensorLimit: TensorLimit;
}

interface StorageRef {
  type: StorageType;
  numel: number;
}

/**
 * Parses `('storage', torch.XStorage, key, location, numel, view_metadata)`, PyTorch's legacy persistent id.
 * Called from the unpickler's persistent_load, which names the file in the messages.
 */
function storageRef(pid: unknown): { key: string; ref: StorageRef } {
  if (!Array.isArray(pid) || pid.length !== 6 || pid[0] !== 'storage') {
    throw new Error('not supported: persistent id other than a storage reference');
  }
  const [, type, key, , numel, view] = pid;
  if (
    !(type instanceof StorageType) ||
    typeof key !== 'string' ||
    !Number.isSafeInteger(numel) ||
    numel < 0
  ) {
    throw new Error(`bad storage reference for key '${cutText(String(key))}'`);
  }
  if (view !== null) throw new Error(`not supported: storage views (key '${cutText(key)}')`);
  return { key, ref: { type, numel } };
}

/** The same globals, with tensor building stubbed out: for the first pass, which only finds the storages. */
function stubbedGlobals(globals: ReadonlyMap<string, unknown>): Map<string, unknown> {
  const stub = new Map(globals);
  for (const [name, value] of globals) {
    if (value instanceof PickleCallable && /^torch\.(_utils\._rebuild_|\w+Tensor$)/.test(name)) {
      // Stateful, for the PyTorch < 0.2 form (`torch.FloatTensor()` then BUILD).
      stub.set(name, new PickleCallable(name, () => ({ [SET_STATE]() {} })));
    }
  }
  return stub;
}

/**
 * Unpickles a legacy-format file's object, its tensors' storages read from after the pickles, within `limits`:
 * each pickle at most `maxPickleBytes`, the storages together at most the tensor limit (checked before each is
 * decoded), and the tensors' copies within one {@link CopyBudget} for the whole file.
 */
export function readLegacyTorchFile(
  bytes: Uint8Array,
  source: string,
  globals: ReadonlyMap<string, unknown>,
  limits: LegacyLimits,
): unknown {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('not supported: reading checkpoints on a big-endian host');
  let at = 0;
  const next = (options: UnpickleOptions = {}): unknown => {
    const { value, end } = unpickleFirst(bytes.subarray(at), {
      source,
      maxBytes: limits.maxPickleBytes,
      ...options,
    });
    at += end;
    return value;
  };
  if (next() !== MAGIC_NUMBER) throw new Error(`${source}: not a PyTorch checkpoint (bad magic number)`);
  const protocol = next();
  if (protocol !== PROTOCOL_VERSION)
    throw new Error(`${source}: unsupported legacy protocol version ${String(protocol)}`);
  const sysInfo = next();
  if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) {
    throw new Error(`not supported: ${source} stores tensors in big-endian byte order`);
  }
  // Pass 1 finds where the object pickle ends and which storages it uses; the data comes after it.
  const objectStart = at;
  const refs = new Map<string, StorageRef>();
  next({
    globals: stubbedGlobals(globals),
    persistentLoad: (pid) => {
      const { key, ref } = storageRef(pid);
      refs.set(key, ref);
      return null;
    },
  });
  const objectEnd = at;
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new Error(`${source}: bad storage key list`);
  }
  const storages = new Map<string, TorchStorage>();
  const budget = new CopyBudget();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let totalBytes = 0;
  for (const key of keys as string[]) {
    const ref = refs.get(key);
    const named = cutText(key);
    if (at + 8 > bytes.length) throw new Error(`${source}: truncated before storage '${named}'`);
    const numel = Number(view.getBigInt64(at, true));
    at += 8;
    if (!ref) {
      throw new Error(`${source}: storage '${named}' is listed but no tensor uses it`);
    }
    if (storages.has(key)) throw new Error(`${source}: storage '${named}' is listed twice`);
    const { spec } = ref.type;
    const byteLength = numel * spec.itemSize;
    if (numel < ref.numel || !Number.isSafeInteger(byteLength) || at + byteLength > bytes.length) {
      throw new Error(`${source}: storage '${named}' is truncated (is the download complete?)`);
    }
    totalBytes += byteLength;
    if (totalBytes > limits.tensorLimit.bytes) {
      throw new Error(
        `${source}: storage '${named}' brings the tensors to ${totalBytes} bytes, more than the ${limits.tensorLimit.bytes} allowed (${limits.tensorLimit.reason})`,
      );
    }
    // Typed-array views need an item-aligned offset; copy the bytes when they are not aligned (into a new
    // Uint8Array: a Node Buffer's own slice() would still be a view).
    const raw = bytes.subarray(at, at + byteLength);
    const aligned = raw.byteOffset % spec.itemSize === 0 ? raw : new Uint8Array(raw);
    storages.set(key, new TorchStorage(named, spec.dtype, spec.decode(aligned, numel), budget));
    at += byteLength;
  }
  // Pass 2 rebuilds the object with the real storages.
  return unpickleFirst(bytes.subarray(objectStart, objectEnd), {
    source,
    globals,
    persistentLoad: (pid) => {
      const { key } = storageRef(pid);
      const storage = storages.get(key);
      if (!storage) throw new Error(`storage '${cutText(key)}' has no data`);
      return storage;
    },
  }).value;
}
