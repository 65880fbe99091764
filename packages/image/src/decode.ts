import sharp from 'sharp';

/** A decoded image: 8-bit RGB pixels in row-major HWC order. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The most pixels an image may have: the reference's PIL refuses images over twice its
 * MAX_IMAGE_PIXELS (a decompression bomb); decoding 179 Mpx already takes 0.5 GB as RGB.
 */
export const MAX_IMAGE_PIXELS = 2 * 89478485;

/** Options of `decodeImage`. */
export interface DecodeOptions {
  /** Refuse images with more pixels than this, read from the header before decoding (at most MAX_IMAGE_PIXELS). */
  readonly maxPixels?: number;
  /**
   * Accept only these formats, by sharp's names ('jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'), as the bytes say
   * whatever a file's name or a request's content type claims: a server taking photos has no use for SVG or PDF.
   */
  readonly formats?: readonly string[];
}

/** An image refused for its pixel count before it was decoded (a server answers it 422, not 400). */
export class ImageTooLargeError extends Error {
  constructor(
    message: string,
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(message);
    this.name = 'ImageTooLargeError';
  }
}

/**
 * Decodes a JPEG, PNG or WebP file (or its bytes) to RGB: EXIF orientation is applied, grey, CMYK and
 * palette images become sRGB, alpha is dropped (as PIL's `convert('RGB')` does in the reference).
 * Images over `options.maxPixels` (default and at most {@link MAX_IMAGE_PIXELS}) are refused before they are
 * decoded, with an {@link ImageTooLargeError}.
 */
export async function decodeImage(
  input: string | Uint8Array,
  name?: string,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const label = name ?? (typeof input === 'string' ? input : '<buffer>');
  const maxPixels = Math.min(options.maxPixels ?? MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS);
  let failure: string;
  try {
    if (options.formats) {
      const { format } = await sharp(input, { limitInputPixels: false }).metadata();
      if (!options.formats.includes(format)) {
        throw new Error(`${format} images are not accepted here (only ${options.formats.join(', ')})`);
      }
    }
    const { data, info } = await sharp(input, { failOn: 'error', limitInputPixels: maxPixels })
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
    failure = (err as Error).message;
  }
  if (/exceeds pixel limit/.test(failure)) {
    // The header only: no pixel limit applies to reading it.
    const { width = 0, height = 0 } = await sharp(input, { limitInputPixels: false })
      .metadata()
      .catch(() => ({ width: 0, height: 0 }));
    throw new ImageTooLargeError(
      `cannot decode image ${label}: ${width}×${height} = ${width * height} pixels is more than the ${maxPixels} allowed (a decompression bomb?)`,
      width,
      height,
      maxPixels,
    );
  }
  throw new Error(`cannot decode image ${label}: ${failure}`);
}
