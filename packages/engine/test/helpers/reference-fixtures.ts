// The reference's numbers and configs, for tests that compare against them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';

/** The reference fixtures (shared/ lies beside the repository root). */
export const FIXTURES = path.resolve(__dirname, '../../../../../shared/fixtures/reference');

/** A reference config from the repository's configs/ folder (frozen), with `KEY VALUE` overrides. */
export function referenceConfig(file: string, overrides: string[] = []): SSDConfig {
  return loadConfig(path.resolve(__dirname, '../../../../configs', file), overrides);
}

/** A float32 little-endian fixture file as an array. */
export function readF32(file: string): Float32Array {
  const buf = fs.readFileSync(path.join(FIXTURES, file));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** A JSON fixture file. */
export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as T;
}
