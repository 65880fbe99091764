import { InputFileError, readInputFileAsync } from '@ssd/files';
import sharp from 'sharp';
import {
  type DecodedImage,
  type DecodeOptions,
  ImageError,
  ImageTooLargeError,
  MAX_IMAGE_PIXELS,
} from './decoded';
import { describeUnreadable, IMAGE_FORMATS, sniffImageFormat } from './sniff';

export {
  type DecodedImage,
  type DecodeOptions,
  ImageError,
  ImageTooLargeError,
  MAX_IMAGE_PIXELS,
} from './decoded';

/** The largest image file read: an uncompressed RGBA image at the pixel limit (a PNG with stored blocks). */
export const MAX_IMAGE_BYTES = 4 * MAX_IMAGE_PIXELS;

/** The bytes of an image file: a regular file (a FIFO, socket, device or folder is refused unread) of at most MAX_IMAGE_BYTES. */
async function readImageFile(file: string): Promise<Uint8Array> {
  try {
    return await readInputFileAsync(file, { maxBytes: MAX_IMAGE_BYTES, what: 'image' });
  } catch (e) {
    throw new ImageError(file, e instanceof InputFileError ? e.reason : (e as Error).message);
  }
}

/**
 * Decodes a JPEG, PNG or WebP file (or its bytes) to RGB: EXIF orientation is applied, grey, CMYK and
 * palette images become sRGB, alpha is dropped (as PIL's `convert('RGB')` does in the reference).
 * The format is sniffed from the bytes, whatever the file's name: anything else (SVG and other vector or
 * scripted formats, GIF, TIFF, HEIF…) is refused before a decoder sees it, as is a file that is not a regular
 * file. Every refusal is an {@link ImageError} naming the file; an image over `options.maxPixels` (default and
 * at most {@link MAX_IMAGE_PIXELS}, from its header, before it is decoded) is an {@link ImageTooLargeError}.
 */
export async function decodeImage(
  input: string | Uint8Array,
  name?: string,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const label = name ?? (typeof input === 'string' ? input : '<buffer>');
  const maxPixels = Math.min(options.maxPixels ?? MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS);
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new ImageError(
      label,
      `it is ${describeUnreadable(bytes)}, not one of the formats read (${IMAGE_FORMATS.join(', ')})`,
    );
  }
  let header: sharp.Metadata;
  try {
    // Only the header is read here; sharp's own pixel limit would refuse a huge image with a bare message
    // before ours could name its size.
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageError(label, (err as Error).message);
  }
  // sharp picks its loader from the bytes too; anything but the sniffed one is refused, never decoded.
  if (header.format !== format)
    throw new ImageError(label, `its header reads as ${header.format}, not ${format}`);
  const { width = 0, height = 0 } = header;
  if (width * height > maxPixels) throw new ImageTooLargeError(label, width, height, maxPixels);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels })
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
    throw new ImageError(label, (err as Error).message);
  }
}
