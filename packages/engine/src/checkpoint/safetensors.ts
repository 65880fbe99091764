import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write';

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

const DTYPES = { float32: 'F32', int32: 'I32' } as const;
const FROM_DTYPE: Record<string, TensorRecord['dtype']> = { F32: 'float32', I32: 'int32' };

/**
 * Writes the safetensors format (8-byte little-endian header length, JSON header, raw little-endian
 * data), atomically. Chosen because Python (`safetensors`) reads it too, and it holds no code.
 */
export function writeSafetensors(file: string, content: SafetensorsContent): void {
  const header: Record<string, unknown> = { __metadata__: content.metadata };
  let offset = 0;
  const bodies: Uint8Array[] = [];
  for (const [name, t] of content.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`tensor '${name}' has ${t.data.length} values but shape [${t.shape}] needs ${count}`);
    }
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = {
      dtype: DTYPES[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes.byteLength],
    };
    bodies.push(bytes);
    offset += bytes.byteLength;
  }
  // Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  writeFileAtomic(file, [length, headerBytes, ...bodies]);
}

/** Reads a safetensors file written by `writeSafetensors` (F32 and I32 tensors); errors name the file. */
export function readSafetensors(file: string): SafetensorsContent {
  const buf = readFileSync(file);
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid checkpoint (${why})`);
  };
  if (buf.byteLength < 8) fail('file too short');
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (8 + headerLength > buf.byteLength) fail('header longer than the file; is it truncated?');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  } catch {
    return fail('header is not JSON');
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, TensorRecord>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const type = FROM_DTYPE[dtype] ?? fail(`tensor '${name}' has unsupported dtype ${dtype}`);
    const [begin, end] = data_offsets;
    if (dataStart + end > buf.byteLength)
      fail(`tensor '${name}' runs past the end of the file; is it truncated?`);
    // Copy: the file buffer's offset need not be aligned for a typed-array view.
    const bytes = new Uint8Array(buf.subarray(dataStart + begin, dataStart + end));
    const data = type === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    if (data.length !== shape.reduce((a, b) => a * b, 1))
      fail(`tensor '${name}' size does not match its shape`);
    tensors.set(name, { shape, dtype: type, data });
  }
  return { tensors, metadata };
}
