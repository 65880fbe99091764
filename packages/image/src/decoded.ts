/** What decoding gives, on every platform (no decoder here: Node's is decode.ts, the browser's browser/decode.ts). */

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

/** An image that cannot be decoded; `file` names it (or `<buffer>`). */
export class ImageError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot decode image ${file}: ${reason}`);
    this.name = 'ImageError';
  }
}

/** An image refused for its pixel count, read from its header before it was decoded (a server answers it 422, not 400). */
export class ImageTooLargeError extends ImageError {
  constructor(
    file: string,
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(
      file,
      `${width}×${height} = ${width * height} pixels is more than the ${maxPixels} allowed (a decompression bomb?)`,
    );
    this.name = 'ImageTooLargeError';
  }
}

/** Options of `decodeImage`. */
export interface DecodeOptions {
  /** Refuse images with more pixels than this, read from the header before decoding (at most MAX_IMAGE_PIXELS). */
  readonly maxPixels?: number;
}
