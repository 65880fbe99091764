import type { Transform } from './sample';

/** Corner boxes divided by the image width (x) and height (y), in place. */
export function boxesToPercent(boxes: Float32Array, width: number, height: number): void {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] /= width;
    boxes[i + 1] /= height;
    boxes[i + 2] /= width;
    boxes[i + 3] /= height;
  }
}

/** ToPercentCoords: box coordinates relative to the image width and height (in place). */
export function toPercentCoords(): Transform {
  return (sample) => {
    boxesToPercent(sample.boxes, sample.width, sample.height);
    return sample;
  };
}
