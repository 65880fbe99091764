import { zipSync } from 'fflate';

/**
 * Small builders of hand-made (hostile) torch.save checkpoints for the hostile-input suite. Pickle
 * text is a latin1 string of opcode bytes; `pth` zips it with storage entries.
 */

/** A latin1 pickle string as bytes. */
export const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

const u32 = (n: number) => String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

/** BINUNICODE of an ASCII string. */
export const str = (s: string) => `X${u32(s.length)}${s}`;

/** BININT of a non-negative integer below 2^31. */
export const int = (n: number) => `J${u32(n)}`;

/** A tuple of integers. */
export const ints = (xs: readonly number[]) => `(${xs.map(int).join('')}t`;

export const ORDERED_DICT = 'ccollections\nOrderedDict\n)R';

/** The persistent id of storage `key` holding `numel` elements of `storageClass`. */
export function storage(key: string, numel: number, storageClass = 'FloatStorage'): string {
  return `(${str('storage')}ctorch\n${storageClass}\n${str(key)}${str('cpu')}${int(numel)}tQ`;
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`. */
export function tensor(
  pid: string,
  offset: number,
  size: readonly number[],
  stride: readonly number[],
): string {
  return `ctorch._utils\n_rebuild_tensor_v2\n(${pid}${int(offset)}${ints(size)}${ints(stride)}\x89${ORDERED_DICT}tR`;
}

/** data.pkl of `{'model': OrderedDict(entries)}`; each entry is a name and a pickled value. */
export function statePickle(entries: readonly (readonly [string, string])[]): string {
  const items = entries.map(([name, value]) => `${str(name)}${value}`).join('');
  return `\x80\x02}(${str('model')}${ORDERED_DICT}(${items}uu.`;
}

/** float32 values as storage bytes. */
export const floats = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

/** A torch.save-shaped zip (stored, as torch.save writes) of `pkl` and extra entries. */
export function pth(
  pkl: string | Uint8Array,
  extra: Record<string, Uint8Array> = {},
  level: 0 | 9 = 0,
): Uint8Array {
  const data = typeof pkl === 'string' ? bytes(pkl) : pkl;
  return zipSync({ 'archive/data.pkl': data, 'archive/version': bytes('3\n'), ...extra }, { level });
}

/** A pickle of `head`, then `count` times the one-byte opcode `op`, then `tail` (built as bytes: tens of MB). */
export function repeatedOp(head: string, op: string, count: number, tail = '.'): Uint8Array {
  const out = new Uint8Array(head.length + count + tail.length);
  out.set(bytes(head));
  out.fill(op.charCodeAt(0), head.length, head.length + count);
  out.set(bytes(tail), head.length + count);
  return out;
}

/** The legacy format's persistent id of storage `key`: `('storage', torch.FloatStorage, key, 'cpu', numel, None)`. */
export function legacyStorage(key: string, numel: number): string {
  return `(${str('storage')}ctorch\nFloatStorage\n${str(key)}${str('cpu')}${int(numel)}NtQ`;
}

// PyTorch's legacy magic number 0x1950a86a20f9469cfc6c as a LONG1, protocol 1001, and an empty sys_info.
const LEGACY_HEAD = bytes(
  '\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02M\xe9\x03.\x80\x02}.',
);

/**
 * A legacy-format (PyTorch < 1.6) file: its header pickles, the object pickle `pkl`, the storage key list and
 * each storage's element count and float32 data.
 */
export function legacyPth(pkl: string | Uint8Array, storages: Record<string, Float32Array> = {}): Uint8Array {
  const keys = Object.keys(storages);
  const parts: Uint8Array[] = [
    LEGACY_HEAD,
    typeof pkl === 'string' ? bytes(pkl) : pkl,
    bytes(`\x80\x02](${keys.map(str).join('')}e.`),
  ];
  for (const data of Object.values(storages)) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(data.length), true);
    parts.push(count, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Rewrites the uncompressed size that the central directory states for `entry` (a size claim nothing checks until it is read). */
export function claimSize(zip: Uint8Array, entry: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const name = bytes(entry);
  for (let at = out.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const length = view.getUint16(at + 28, true);
    if (length === name.length && name.every((b, i) => out[at + 46 + i] === b)) {
      view.setUint32(at + 24, size, true);
      return out;
    }
  }
  throw new Error(`no directory record for ${entry}`);
}

/** Runs `read` and returns how long it took in milliseconds and how much ArrayBuffer memory it left allocated. */
export function measure(read: () => unknown): { ms: number; arrayBufferMb: number; error?: Error } {
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  let error: Error | undefined;
  try {
    read();
  } catch (e) {
    error = e as Error;
  }
  return {
    ms: performance.now() - start,
    arrayBufferMb: (process.memoryUsage().arrayBuffers - before) / 2 ** 20,
    error,
  };
}
