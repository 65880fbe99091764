import { cutText } from '@ssd/files';
import { readLegacyTorchFile } from './legacy-format';
import { readCheckpointBytes } from './read-file';
import { buildStorageLoader, type TensorLimit } from './storage-loader';
import { isTorchTensor, type TorchTensor } from './tensor';
import { STATE_DICT_GLOBALS } from './torch-globals';
import { unpickle } from './unpickle';
import { ZipArchive } from './zip-archive';

/** A PyTorch checkpoint: the model's state_dict, and every other top-level entry (e.g. `iteration`). */
export interface TorchCheckpoint {
  /** Tensor name → tensor, in the checkpoint's order. */
  stateDict: Map<string, TorchTensor>;
  /** Top-level entries other than `model`, as unpickled (dicts are Maps, tuples frozen arrays). */
  extras: Record<string, unknown>;
}

/** Options of {@link readTorchCheckpoint}. */
export interface ReadCheckpointOptions {
  /** A caller that knows its model passes a small multiple of the model's size. */
  tensorLimit?: TensorLimit;
  /** What to call the checkpoint in errors when `source` is its bytes (a URL, a File's name). */
  name?: string;
}

/**
 * Storages may take at most this many times the file's size (plus 1 MiB): torch.save stores them
 * uncompressed, and deflated weights shrink little, so more means a decompression bomb.
 */
const MAX_INFLATION = 16;

/** Largest `data.pkl` (or legacy object pickle) read: a state_dict's pickle takes about a hundred bytes per tensor. */
const MAX_PICKLE_BYTES = 64 * 2 ** 20;

/** Longest state_dict key: tensor names are dotted module paths, tens of characters long. */
const MAX_KEY_LENGTH = 1024;

/** What starts a pickle (PROTO): PyTorch's legacy format is a run of pickles. */
const PICKLE_PROTO = 0x80;

/** The `<archive>` folder that holds `data.pkl`; torch.save names it after the file. */
function findArchivePrefix(archive: ZipArchive, source: string): string {
  const prefixes = archive
    .names()
    .filter((n) => /^[^/]+\/data\.pkl$/.test(n))
    .map((n) => n.split('/')[0]);
  if (prefixes.length !== 1) {
    throw new Error(
      `${source}: expected one '<archive>/data.pkl' entry, found ${prefixes.length} (is it a torch.save file?)`,
    );
  }
  return prefixes[0];
}

function checkByteOrder(archive: ZipArchive, prefix: string, source: string): void {
  const name = `${prefix}/byteorder`;
  const order = archive.has(name) ? new TextDecoder().decode(archive.read(name, 16)).trim() : 'little';
  if (order !== 'little') throw new Error(`not supported: ${source} stores tensors in '${order}' byte order`);
}

function toStateDict(dict: Map<unknown, unknown>, source: string): Map<string, TorchTensor> {
  const stateDict = new Map<string, TorchTensor>();
  for (const [key, value] of dict) {
    if (typeof key !== 'string')
      throw new Error(`${source}: a state_dict key is a ${typeof key}, not a string`);
    if (key.length > MAX_KEY_LENGTH) {
      throw new Error(
        `${source}: a state_dict key of ${key.length} characters is refused (tensor names are at most ${MAX_KEY_LENGTH}): '${cutText(key)}'`,
      );
    }
    if (!isTorchTensor(value)) throw new Error(`${source}: state_dict entry '${key}' is not a tensor`);
    stateDict.set(key, value);
  }
  return stateDict;
}

/** A dict key for messages and extras: strings as they are, anything else by its type (never recursing into it). */
function keyName(key: unknown): string {
  return typeof key === 'string' || typeof key === 'number' ? String(key) : `<${typeof key}>`;
}

/** Splits the unpickled root into the state_dict (`model`, or the root itself) and the rest. */
function splitCheckpoint(root: unknown, source: string): TorchCheckpoint {
  if (!(root instanceof Map)) throw new Error(`${source}: checkpoint root is not a dict`);
  const model = root.get('model');
  if (model instanceof Map) {
    const extras = [...root].filter(([key]) => key !== 'model').map(([key, value]) => [keyName(key), value]);
    return { stateDict: toStateDict(model, source), extras: Object.fromEntries(extras) };
  }
  if ([...root.values()].every(isTorchTensor)) return { stateDict: toStateDict(root, source), extras: {} };
  const names = [...root.keys()].map((key) => cutText(keyName(key)));
  const keys =
    names.length > 10 ? `${names.slice(0, 10).join(', ')}, … ${names.length} in all` : names.join(', ');
  throw new Error(`${source}: no 'model' state_dict and the root is not a state_dict (keys: ${keys})`);
}

/** The caller's tensor limit, or the file-size one when that is tighter (or none was given). */
function tighterLimit(given: TensorLimit | undefined, fileBytes: number): TensorLimit {
  const fromFile = {
    bytes: MAX_INFLATION * fileBytes + 2 ** 20,
    reason: `${MAX_INFLATION}× the file's size`,
  };
  return given && given.bytes < fromFile.bytes ? given : fromFile;
}

/**
 * Reads a `torch.save` checkpoint (a path or its bytes; the zip format, or the legacy one of PyTorch < 1.6)
 * without running any Python-side code: only the globals a state_dict needs are allowed, anything else is
 * refused by name. Bounds (both formats): time linear in the file's size; memory the file (with a tensor
 * limit, a file larger than that limit plus the pickle cap is refused unread), plus the pickle's objects (at
 * most 2^20), plus the storages tensors refer to (at most the tensor limit: 16× the file's size, or less when
 * given; zip entries no tensor refers to are never inflated), plus the tensors' copies (at most 4× their
 * storages).
 */
export function readTorchCheckpoint(
  source: string | Uint8Array,
  options: ReadCheckpointOptions = {},
): TorchCheckpoint {
  const name = typeof source === 'string' ? source : (options.name ?? '<checkpoint bytes>');
  const bytes =
    typeof source === 'string' ? readCheckpointBytes(source, options.tensorLimit, MAX_PICKLE_BYTES) : source;
  const limit = tighterLimit(options.tensorLimit, bytes.length);
  if (bytes[0] === PICKLE_PROTO) {
    const legacy = readLegacyTorchFile(bytes, name, STATE_DICT_GLOBALS, {
      maxPickleBytes: MAX_PICKLE_BYTES,
      tensorLimit: limit,
    });
    return splitCheckpoint(legacy, name);
  }
  const archive = new ZipArchive(bytes, name);
  const prefix = findArchivePrefix(archive, name);
  checkByteOrder(archive, prefix, name);
  const root = unpickle(archive.read(`${prefix}/data.pkl`, MAX_PICKLE_BYTES), {
    globals: STATE_DICT_GLOBALS,
    persistentLoad: buildStorageLoader(archive, prefix, limit),
    source: `${name} (${prefix}/data.pkl)`,
  });
  return splitCheckpoint(root, name);
}
