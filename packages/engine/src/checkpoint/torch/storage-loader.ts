import { HOST_IS_LITTLE_ENDIAN } from './dtypes';
import { CopyBudget, TorchStorage } from './tensor';
import { StorageType } from './torch-globals';
import type { ZipArchive } from './zip-archive';

/** A cap on the bytes all tensor storages together may take, and why it is that, for the message. */
export interface TensorLimit {
  bytes: number;
  reason: string;
}

/**
 * PyTorch's persistent_load for zip checkpoints: the id `('storage', torch.<X>Storage, key,
 * location, numel)` names the entry `<prefix>/data/<key>`, read and decoded once. The location
 * (cpu, cuda:0...) is ignored: everything loads into host memory. An entry must hold exactly the
 * bytes its element count needs, may be read as one dtype only, and all storages together may not
 * exceed `limit`: that is checked before an entry is inflated, so memory stays bounded.
 */
export function buildStorageLoader(
  archive: ZipArchive,
  prefix: string,
  limit: TensorLimit,
): (pid: unknown) => TorchStorage {
  const loaded = new Map<string, TorchStorage>();
  const budget = new CopyBudget();
  let totalBytes = 0;
  return (pid) => {
    if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') {
      throw new Error('not supported: persistent id other than a storage reference');
    }
    const [, type, key, , numel] = pid;
    if (
      !(type instanceof StorageType) ||
      typeof key !== 'string' ||
      !Number.isSafeInteger(numel) ||
      numel < 0
    ) {
      throw new Error(`bad storage reference for key '${String(key)}'`);
    }
    const { spec } = type;
    const name = `${prefix}/data/${key}`;
    const cached = loaded.get(name);
    if (cached) {
      if (cached.dtype !== spec.dtype) {
        throw new Error(`storage entry '${name}' is read as both ${cached.dtype} and ${spec.dtype}`);
      }
      return cached;
    }
    if (!HOST_IS_LITTLE_ENDIAN) throw new Error('not supported: reading checkpoints on a big-endian host');
    const size = archive.sizeOf(name);
    if (size === undefined) throw new Error(`storage entry '${name}' is missing from the zip`);
    const byteLength = numel * spec.itemSize;
    if (size !== byteLength) {
      throw new Error(`storage entry '${name}' holds ${size} bytes, ${byteLength} expected`);
    }
    totalBytes += byteLength;
    if (totalBytes > limit.bytes) {
      throw new Error(
        `storage entry '${name}' brings the tensors to ${totalBytes} bytes, more than the ${limit.bytes} allowed (${limit.reason})`,
      );
    }
    const bytes = archive.read(name, byteLength);
    // Typed-array views need an item-aligned offset; copy when the zip entry is not aligned.
    // A copy (a Buffer's slice would be a view at the same misaligned offset).
    const aligned = bytes.byteOffset % spec.itemSize === 0 ? bytes : new Uint8Array(bytes);
    const storage = new TorchStorage(name, spec.dtype, spec.decode(aligned, numel), budget);
    loaded.set(name, storage);
    return storage;
  };
}
