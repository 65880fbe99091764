import type { Rng } from '@ssd/random';
import { CHANNELS, type Transform } from './sample';

/** RandomMirror's draw: flip with p 1/2. */
export function drawMirror(rng: Rng): boolean {
  return rng.int(0, 2) === 1;
}

/** Corner boxes mirrored in an image `width` wide: `[W − x2, y1, W − x1, y2]`, in place. */
export function flipBoxes(boxes: Float32Array, width: number): void {
  for (let i = 0; i < boxes.length; i += 4) {
    const x1 = boxes[i];
    boxes[i] = width - boxes[i + 2];
    boxes[i + 2] = width - x1;
  }
}

/** RandomMirror: with p 1/2 flips the image left–right in place, and its boxes with it. */
export function randomMirror(): Transform {
  return (sample, rng) => {
    if (!drawMirror(rng)) return sample;
    const { image, width, height } = sample;
    const rowLength = width * CHANNELS;
    for (let y = 0; y < height; y++) {
      const row = y * rowLength;
      for (let a = row, b = row + rowLength - CHANNELS; a < b; a += CHANNELS, b -= CHANNELS) {
        const r = image[a];
        const g = image[a + 1];
        const bl = image[a + 2];
        image[a] = image[b];
        image[a + 1] = image[b + 1];
        image[a + 2] = image[b + 2];
        image[b] = r;
        image[b + 1] = g;
        image[b + 2] = bl;
      }
    }
    flipBoxes(sample.boxes, width);
    return sample;
  };
}
