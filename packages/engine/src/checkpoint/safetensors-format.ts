/**
 * The safetensors format as checkpoints use it (8-byte little-endian header length, JSON header, raw
 * little-endian data): the types, and parsing bytes. Writing and files are Node's (safetensors.ts).
 */
import { cutText } from '@ssd/files';

/** A tensor as plain data. */
export interface TensorRecord {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** A safetensors file's content: named tensors plus string metadata. */
export interface SafetensorsContent {
  tensors: Map<string, TensorRecord>;
  metadata: Record<string, string>;
}

const FROM_DTYPE: Record<string, TensorRecord['dtype']> = { F32: 'float32', I32: 'int32' };

/** The safetensors format's own cap on the JSON header (its reference reader refuses larger ones). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses the bytes of a safetensors file written by `writeSafetensors` (F32 and I32 tensors); errors name
 * `file` (a path, a URL or a File's name). Each tensor's bytes are its own (overlapping or repeated
 * `data_offsets` are refused), so memory is at most twice the file's size. No Node built-ins: the browser build
 * reads checkpoints here too.
 */
export function parseSafetensors(buf: Uint8Array, file: string): SafetensorsContent {
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid checkpoint (${why})`);
  };
  if (buf.byteLength < 8) fail('file too short; is it truncated?');
  const declared = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true);
  if (declared > BigInt(buf.byteLength - 8))
    fail(`header of ${declared} bytes is longer than the file; is it truncated?`);
  const headerLength = Number(declared);
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header of ${headerLength} bytes is more than the ${MAX_HEADER_BYTES} allowed`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8').decode(buf.subarray(8, 8 + headerLength)));
  } catch {
    return fail('header is not JSON');
  }
  if (!isRecord(header)) return fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const entries: {
    key: string;
    dtype: TensorRecord['dtype'];
    shape: number[];
    begin: number;
    end: number;
  }[] = [];
  let metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__') {
      if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === 'string'))
        fail('metadata is not a map of strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    const name = cutText(key);
    if (!isRecord(entry)) return fail(`tensor '${name}' has no description`);
    const { dtype, shape, data_offsets } = entry;
    const type =
      (typeof dtype === 'string' && FROM_DTYPE[dtype]) ||
      fail(`tensor '${name}' has unsupported dtype ${cutText(String(dtype))}`);
    if (!isIndexList(shape))
      return fail(`tensor '${name}' has a bad shape ${cutText(JSON.stringify(shape))}`);
    if (!isIndexList(data_offsets) || data_offsets.length !== 2 || data_offsets[0]! > data_offsets[1]!)
      return fail(`tensor '${name}' has bad data_offsets ${cutText(JSON.stringify(data_offsets))}`);
    const [begin, end] = data_offsets as [number, number];
    if (dataStart + end > buf.byteLength)
      fail(`tensor '${name}' runs past the end of the file; is it truncated?`);
    // Checked before anything is allocated: the shape must fit the bytes it claims.
    if (end - begin !== shape.reduce((a, b) => a * b, 1) * 4)
      fail(`tensor '${name}' size does not match its shape`);
    entries.push({ key, dtype: type, shape, begin, end });
  }
  // Each tensor is copied out of the file: bytes shared by two (or a thousand) tensors would multiply memory.
  const byStart = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const [before, next] = [byStart[i - 1]!, byStart[i]!];
    if (next.begin < before.end) {
      fail(
        `tensor '${cutText(next.key)}' overlaps tensor '${cutText(before.key)}' (their data_offsets share bytes)`,
      );
    }
  }
  const tensors = new Map<string, TensorRecord>();
  for (const { key, dtype, shape, begin, end } of entries) {
    // Copy: the file buffer's offset need not be aligned for a typed-array view.
    const bytes = new Uint8Array(buf.subarray(dataStart + begin, dataStart + end));
    const data = dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    tensors.set(key, { shape, dtype, data });
  }
  return { tensors, metadata };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list of non-negative safe integers (a shape, or offsets). */
function isIndexList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}
