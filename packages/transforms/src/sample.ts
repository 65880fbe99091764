import { CHANNELS, type PixelArray } from '@ssd/image';
import type { Rng } from '@ssd/random';

export { CHANNELS, type PixelArray };

/**
 * One image with its ground truth. `image` is HWC RGB (`height × width × 3`); `boxes` holds `n × 4`
 * corner rows `[x1, y1, x2, y2]` in pixels (relative to the size after `toPercentCoords`); `labels`
 * holds the `n` class ids.
 */
export interface Sample<P extends PixelArray = Float32Array> {
  image: P;
  width: number;
  height: number;
  boxes: Float32Array;
  labels: Int32Array;
}

/** A sample whose image is float (what every transform after the first one sees). */
export type ImageSample = Sample<Float32Array>;

/** A sample as a data set hands it in: the image still 8-bit, or already float. */
export type InputSample = Sample<PixelArray>;

/**
 * One augmentation step. It owns the sample it is given and may modify its arrays in place, as the
 * reference's numpy transforms do; `compose` copies what it receives, so a pipeline never alters its input.
 */
export type Transform = (sample: ImageSample, rng: Rng) => ImageSample;

/** A step that also accepts an 8-bit image (the first step of a pipeline). */
export type EntryTransform = (sample: InputSample, rng: Rng) => ImageSample;

/** Throws unless the image, boxes and labels of `sample` agree in size; `where` names the caller. */
export function checkSample(sample: InputSample, where: string): void {
  const { image, width, height, boxes, labels } = sample;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`${where}: image size must be positive integers, got ${width}×${height}`);
  }
  if (image.length !== width * height * CHANNELS) {
    throw new Error(
      `${where}: image has ${image.length} values, expected ${width}×${height}×${CHANNELS} = ${width * height * CHANNELS}`,
    );
  }
  if (boxes.length !== labels.length * 4) {
    throw new Error(`${where}: boxes hold ${boxes.length / 4} rows but labels hold ${labels.length}`);
  }
}
