/** A checkpoint file's bytes, in Node (the browser's variant, read-file.browser.ts, has no files to read). */
import { readFileSync } from 'node:fs';

/** The bytes of `file`. */
export function readCheckpointBytes(file: string): Uint8Array {
  return readFileSync(file);
}
