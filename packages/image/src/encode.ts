/** The one image encoder of ssd-ts: JPEG and PNG with sharp (annotated images, training plots, data sets). */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import { checkImage, type RasterImage } from './raster/image';

/** A format `encodeImage` writes. */
export type EncodeFormat = 'jpeg' | 'png';

/** Options of `encodeImage` and `writeImageFile`. */
export interface EncodeOptions {
  /** JPEG quality, 1–100 (default 92); PNG is lossless and ignores it. */
  readonly quality?: number;
}

/** Encodes `image` (8-bit RGB or RGBA) as JPEG or PNG. */
export async function encodeImage(
  image: RasterImage,
  format: EncodeFormat,
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  checkImage(image, `image to encode as ${format}`);
  const quality = options.quality ?? 92;
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) {
    throw new Error(`JPEG quality must be an integer from 1 to 100, got ${quality}`);
  }
  const raw = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  const encoded = format === 'jpeg' ? raw.jpeg({ quality }) : raw.png();
  const bytes = await encoded.toBuffer();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const FORMATS: Readonly<Record<string, EncodeFormat>> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png' };

/** The format a file name's extension asks for (.jpg, .jpeg, .png), or an error naming the file. */
export function imageFormatOf(file: string): EncodeFormat {
  const ext = path.extname(file).toLowerCase();
  const format = Object.hasOwn(FORMATS, ext) ? FORMATS[ext] : undefined;
  if (!format) {
    throw new Error(`not supported: output image extension '${ext}' in ${file} (use .jpg, .jpeg or .png)`);
  }
  return format;
}

/**
 * Encodes `image` as JPEG or PNG, chosen by the extension of `file`, and writes it, creating its folder if
 * needed; a failed write names the file.
 */
export async function writeImageFile(
  image: RasterImage,
  file: string,
  options: EncodeOptions = {},
): Promise<void> {
  checkImage(image, `image for ${file}`);
  const format = imageFormatOf(file);
  const bytes = await encodeImage(image, format, options);
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  try {
    await fs.writeFile(file, bytes);
  } catch (err) {
    throw new Error(`cannot write image ${file}: ${(err as Error).message}`);
  }
}
