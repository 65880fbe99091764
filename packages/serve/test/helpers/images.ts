/** Test images: the demo photos, and hostile bodies made here (nothing big is committed). */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { demoImages } from '@ssd-test/kit';

/** The demo photos' bytes, sorted by name. */
export function demoPhotos(): { file: string; bytes: Uint8Array }[] {
  return demoImages().map((file) => ({ file, bytes: new Uint8Array(readFileSync(file)) }));
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A valid PNG header declaring `width`×`height` RGB pixels, with one token of pixel data: a decompression bomb's header. */
export function pngDeclaring(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, adaptive filtering, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]),
  );
}
