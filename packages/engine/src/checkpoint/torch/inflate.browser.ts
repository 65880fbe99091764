/** Raw DEFLATE for zip entries, in a browser: fflate (Node's variant is inflate.ts, on zlib). */
import { inflateSync } from 'fflate';

/**
 * Inflates `data` into at most `maxOutputLength` + 1 bytes: a bomb costs no more than that, and an entry that
 * inflates past its stated size comes back one byte too long, which the caller refuses.
 */
export function inflateRaw(data: Uint8Array, maxOutputLength: number): Uint8Array {
  return inflateSync(data, { out: new Uint8Array(maxOutputLength + 1) });
}
