import sharp from 'sharp';
import { type DecodedImage, MAX_IMAGE_PIXELS } from './decoded';

export { type DecodedImage, MAX_IMAGE_PIXELS } from './decoded';

/** The message for an image over {@link MAX_IMAGE_PIXELS}, with its size read from the header. */
async function tooLarge(input: string | Uint8Array): Promise<string> {
  const { width = 0, height = 0 } = await sharp(input).metadata();
  return `${width}×${height} = ${width * height} pixels is more than the ${MAX_IMAGE_PIXELS} allowed (a decompression bomb?)`;
}

/**
 * Decodes a JPEG, PNG or WebP file (or its bytes) to RGB: EXIF orientation is applied, grey, CMYK and
 * palette images become sRGB, alpha is dropped (as PIL's `convert('RGB')` does in the reference).
 * Images over {@link MAX_IMAGE_PIXELS} are refused before they are decoded.
 */
export async function decodeImage(input: string | Uint8Array, name?: string): Promise<DecodedImage> {
  const label = name ?? (typeof input === 'string' ? input : '<buffer>');
  try {
    const { data, info } = await sharp(input, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS })
      .autoOrient()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (err) {
    const message = (err as Error).message;
    const why = /exceeds pixel limit/.test(message) ? await tooLarge(input) : message;
    throw new Error(`cannot decode image ${label}: ${why}`);
  }
}
