import { readFileSync } from 'node:fs';
import { looksLikeLegacyTorchFile, readLegacyTorchFile } from './legacy-format';
import { buildStorageLoader } from './storage-loader';
import { isTorchTensor, type TorchTensor } from './tensor';
import { STATE_DICT_GLOBALS } from './torch-globals';
import { unpickle } from './unpickle';
import { readZipEntries } from './zip-archive';

/** A PyTorch checkpoint: the model's state_dict, and every other top-level entry (e.g. `iteration`). */
export interface TorchCheckpoint {
  /** Tensor name → tensor, in the checkpoint's order. */
  stateDict: Map<string, TorchTensor>;
  /** Top-level entries other than `model`, as unpickled (dicts are Maps, tuples frozen arrays). */
  extras: Record<string, unknown>;
}

/** The `<archive>` folder that holds `data.pkl`; torch.save names it after the file. */
function findArchivePrefix(entries: ReadonlyMap<string, Uint8Array>, source: string): string {
  const prefixes = [...entries.keys()]
    .filter((n) => /^[^/]+\/data\.pkl$/.test(n))
    .map((n) => n.split('/')[0]);
  if (prefixes.length !== 1) {
    throw new Error(
      `${source}: expected one '<archive>/data.pkl' entry, found ${prefixes.length} (is it a torch.save file?)`,
    );
  }
  return prefixes[0];
}

function checkByteOrder(entries: ReadonlyMap<string, Uint8Array>, prefix: string, source: string): void {
  const entry = entries.get(`${prefix}/byteorder`);
  const order = entry ? new TextDecoder().decode(entry).trim() : 'little';
  if (order !== 'little') throw new Error(`not supported: ${source} stores tensors in '${order}' byte order`);
}

function toStateDict(dict: Map<unknown, unknown>, source: string): Map<string, TorchTensor> {
  const stateDict = new Map<string, TorchTensor>();
  for (const [key, value] of dict) {
    if (typeof key !== 'string') throw new Error(`${source}: state_dict key ${String(key)} is not a string`);
    if (!isTorchTensor(value)) throw new Error(`${source}: state_dict entry '${key}' is not a tensor`);
    stateDict.set(key, value);
  }
  return stateDict;
}

/** Splits the unpickled root into the state_dict (`model`, or the root itself) and the rest. */
function splitCheckpoint(root: unknown, source: string): TorchCheckpoint {
  if (!(root instanceof Map)) throw new Error(`${source}: checkpoint root is not a dict`);
  const model = root.get('model');
  if (model instanceof Map) {
    const extras = [...root].filter(([key]) => key !== 'model').map(([key, value]) => [String(key), value]);
    return { stateDict: toStateDict(model, source), extras: Object.fromEntries(extras) };
  }
  if ([...root.values()].every(isTorchTensor)) return { stateDict: toStateDict(root, source), extras: {} };
  const keys = [...root.keys()].map(String).join(', ');
  throw new Error(`${source}: no 'model' state_dict and the root is not a state_dict (keys: ${keys})`);
}

/**
 * Reads a `torch.save` checkpoint (a path or its bytes; the zip format, or the legacy one of PyTorch < 1.6)
 * without running any Python-side code: only the globals a state_dict needs are allowed, anything else is
 * refused by name.
 */
export function readTorchCheckpoint(source: string | Uint8Array): TorchCheckpoint {
  const name = typeof source === 'string' ? source : '<checkpoint bytes>';
  const bytes = typeof source === 'string' ? readFileSync(source) : source;
  if (looksLikeLegacyTorchFile(bytes)) {
    return splitCheckpoint(readLegacyTorchFile(bytes, name, STATE_DICT_GLOBALS), name);
  }
  const entries = readZipEntries(bytes, name);
  const prefix = findArchivePrefix(entries, name);
  checkByteOrder(entries, prefix, name);
  const root = unpickle(entries.get(`${prefix}/data.pkl`)!, {
    globals: STATE_DICT_GLOBALS,
    persistentLoad: buildStorageLoader(entries, prefix),
    source: `${name} (${prefix}/data.pkl)`,
  });
  return splitCheckpoint(root, name);
}
