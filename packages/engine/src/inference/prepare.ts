/** The reference's test transform over a decoded image: pure TypeScript on arrays, no tensors, no Node built-ins. */
import type { SSDConfig } from '@ssd/config';
import { type DecodedImage, resizeBilinear, subtractMean } from '@ssd/image';

/** One image ready for the model: its test-transformed pixels and the size its boxes map back to. */
export interface PreparedImage {
  /** INPUT.IMAGE_SIZE² RGB pixels, NHWC, INPUT.PIXEL_MEAN subtracted. */
  readonly input: Float32Array;
  /** The original image's size, in pixels. */
  readonly width: number;
  readonly height: number;
}

/**
 * The reference's test transform: Resize (OpenCV's bilinear) to INPUT.IMAGE_SIZE, SubtractMeans, ToTensor (NHWC
 * needs no permute). Costs milliseconds of CPU per photo, so a server runs it off the model's thread.
 */
export function prepareImage(image: DecodedImage, cfg: Pick<SSDConfig, 'INPUT'>): PreparedImage {
  const size = cfg.INPUT.IMAGE_SIZE;
  const resized = resizeBilinear(image.data, image.width, image.height, size, size);
  return {
    input: subtractMean(resized, cfg.INPUT.PIXEL_MEAN),
    width: image.width,
    height: image.height,
  };
}
