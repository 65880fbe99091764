import { readInputFile } from '@ssd/files';
import { writeFileAtomic } from './atomic-write';
import { parseSafetensors, type SafetensorsContent } from './safetensors-format';

export type { SafetensorsContent, TensorRecord } from './safetensors-format';

const DTYPES = { float32: 'F32', int32: 'I32' } as const;

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
  return parseSafetensors(readInputFile(file), file);
}
