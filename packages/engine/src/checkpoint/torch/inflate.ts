/** Raw DEFLATE for zip entries, in Node: zlib (the browser's variant is inflate.browser.ts). */
import { inflateRawSync } from 'node:zlib';

/** Inflates `data`; past `maxOutputLength` bytes it stops with an error, so a bomb costs no more than that. */
export function inflateRaw(data: Uint8Array, maxOutputLength: number): Uint8Array {
  const out = inflateRawSync(data, { maxOutputLength });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
