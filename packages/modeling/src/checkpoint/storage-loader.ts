import { HOST_IS_LITTLE_ENDIAN } from './dtypes';
import { TorchStorage } from './tensor';
import { StorageType } from './torch-globals';

/**
 * PyTorch's persistent_load for zip checkpoints: the id `('storage', torch.<X>Storage, key,
 * location, numel)` names the entry `<prefix>/data/<key>`, decoded once per key and dtype.
 * The location (cpu, cuda:0...) is ignored: everything loads into host memory.
 */
export function buildStorageLoader(
  entries: ReadonlyMap<string, Uint8Array>,
  prefix: string,
): (pid: unknown) => TorchStorage {
  const cache = new Map<string, TorchStorage>();
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
    const cached = cache.get(`${name}:${spec.dtype}`);
    if (cached) return cached;
    if (!HOST_IS_LITTLE_ENDIAN) throw new Error('not supported: reading checkpoints on a big-endian host');
    const bytes = entries.get(name);
    if (!bytes) throw new Error(`storage entry '${name}' is missing from the zip`);
    const byteLength = numel * spec.itemSize;
    if (bytes.length < byteLength) {
      throw new Error(`storage entry '${name}' holds ${bytes.length} bytes, ${byteLength} expected`);
    }
    // Typed-array views need an item-aligned offset; copy when the zip entry is not aligned.
    const aligned = bytes.byteOffset % spec.itemSize === 0 ? bytes : bytes.slice();
    const storage = new TorchStorage(name, spec.dtype, spec.decode(aligned, numel));
    cache.set(`${name}:${spec.dtype}`, storage);
    return storage;
  };
}
