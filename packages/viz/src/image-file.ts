import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { checkImage, type RasterImage } from './image';

/** Decodes an image file to RGB, turned upright by its EXIF orientation. */
export async function readImageFile(file: string): Promise<RasterImage> {
  const { data, info } = await sharp(file)
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw new Error(`cannot read image ${file}: ${err.message}`);
    });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: 3,
  };
}

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
