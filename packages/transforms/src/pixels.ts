import { subtractMean } from '@ssd/image';
import { CHANNELS, type EntryTransform, type Transform } from './sample';

/** ConvertFromInts: the image as a new float array (8-bit values become 0–255 floats). */
export function convertFromInts(): EntryTransform {
  return (sample) => ({ ...sample, image: Float32Array.from(sample.image) });
}

/** SubtractMeans: a new image with the per-channel `mean` (RGB) subtracted from every pixel. */
export function subtractMeans(mean: readonly number[]): Transform {
  if (mean.length !== CHANNELS)
    throw new Error(`subtractMeans: mean needs ${CHANNELS} values, got ${mean.length}`);
  return (sample) => ({ ...sample, image: subtractMean(sample.image, mean) });
}

/**
 * ToTensor: the image is already what the NHWC model takes (HWC float32), so unlike the reference's
 * CHW permute this only checks the layout and passes the sample on.
 */
export function toTensor(): Transform {
  return (sample) => {
    if (sample.image.length !== sample.width * sample.height * CHANNELS) {
      throw new Error(
        `toTensor: image has ${sample.image.length} values, expected ${sample.width}×${sample.height}×${CHANNELS}`,
      );
    }
    return sample;
  };
}
