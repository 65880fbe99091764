import sharp from 'sharp';

/** A decoded image: 8-bit RGB pixels in row-major HWC order. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes a JPEG, PNG or WebP file (or its bytes) to RGB: EXIF orientation is applied, grey, CMYK and
 * palette images become sRGB, alpha is dropped (as PIL's `convert('RGB')` does in the reference).
 */
export async function decodeImage(input: string | Uint8Array, name?: string): Promise<DecodedImage> {
  const label = name ?? (typeof input === 'string' ? input : '<buffer>');
  try {
    const { data, info } = await sharp(input, { failOn: 'error' })
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
    throw new Error(`cannot decode image ${label}: ${(err as Error).message}`);
  }
}
