/**
 * The safetensors format as checkpoints use it (8-byte little-endian header length, JSON header, raw
 * little-endian data): the types, and parsing bytes. Writing and files are Node's (safetensors.ts).
 */

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

/**
 * Parses the bytes of a safetensors file written by `writeSafetensors` (F32 and I32 tensors); errors name
 * `file` (a path, a URL or a File's name). No Node built-ins: the browser build reads checkpoints here.
 */
export function parseSafetensors(buf: Uint8Array, file: string): SafetensorsContent {
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid checkpoint (${why})`);
  };
  if (buf.byteLength < 8) fail('file too short');
  const headerLength = Number(new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true));
  if (8 + headerLength > buf.byteLength) fail('header longer than the file; is it truncated?');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8').decode(buf.subarray(8, 8 + headerLength)));
  } catch {
    return fail('header is not JSON');
  }
  if (!isRecord(header)) return fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, TensorRecord>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === 'string'))
        fail('metadata is not a map of strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    if (!isRecord(entry)) return fail(`tensor '${name}' has no description`);
    const { dtype, shape, data_offsets } = entry;
    const type =
      (typeof dtype === 'string' && FROM_DTYPE[dtype]) ||
      fail(`tensor '${name}' has unsupported dtype ${String(dtype)}`);
    if (!isIndexList(shape)) return fail(`tensor '${name}' has a bad shape ${JSON.stringify(shape)}`);
    if (!isIndexList(data_offsets) || data_offsets.length !== 2 || data_offsets[0]! > data_offsets[1]!)
      return fail(`tensor '${name}' has bad data_offsets ${JSON.stringify(data_offsets)}`);
    const [begin, end] = data_offsets as [number, number];
    if (dataStart + end > buf.byteLength)
      fail(`tensor '${name}' runs past the end of the file; is it truncated?`);
    // Checked before anything is allocated: the shape must fit the bytes it claims.
    if (end - begin !== shape.reduce((a, b) => a * b, 1) * 4)
      fail(`tensor '${name}' size does not match its shape`);
    // Copy: the file buffer's offset need not be aligned for a typed-array view.
    const bytes = new Uint8Array(buf.subarray(dataStart + begin, dataStart + end));
    const data = type === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    tensors.set(name, { shape, dtype: type, data });
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
