import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkImage, type RasterImage } from '@ssd/image';
import sharp from 'sharp';

const ENCODERS: Record<string, (s: sharp.Sharp) => sharp.Sharp> = {
  '.jpg': (s) => s.jpeg({ quality: 92 }),
  '.jpeg': (s) => s.jpeg({ quality: 92 }),
  '.png': (s) => s.png(),
};

/** Encodes `image` as JPEG or PNG, chosen by the extension of `file`, creating its folder if needed. */
export async function writeImageFile(image: RasterImage, file: string): Promise<void> {
  checkImage(image, `image for ${file}`);
  const ext = path.extname(file).toLowerCase();
  const encode = ENCODERS[ext];
  if (!encode)
    throw new Error(`not supported: output image extension '${ext}' in ${file} (use .jpg, .jpeg or .png)`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  await encode(raw).toFile(file);
}
