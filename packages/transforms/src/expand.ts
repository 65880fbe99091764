import type { Rng } from '@ssd/random';
import { CHANNELS, type Transform } from './sample';

/** Largest ratio of the expanded canvas to the image side, as in the reference (INPUT.EXPAND_MAX_RATIO). */
export const EXPAND_MAX_RATIO = 4;

/** Where Expand puts the image: the canvas size and the image's top-left corner on it. */
export interface Expansion {
  width: number;
  height: number;
  left: number;
  top: number;
}

/**
 * Expand's random draws: `null` (p 1/2, keep the image), else a canvas `ratio` ∈ [1, maxRatio) times
 * larger. A `maxRatio` of 1 or less turns Expand off and draws nothing.
 */
export function drawExpansion(
  width: number,
  height: number,
  rng: Rng,
  maxRatio = EXPAND_MAX_RATIO,
): Expansion | null {
  if (maxRatio <= 1) return null;
  // The reference returns unchanged when randint(2) is 1.
  if (rng.int(0, 2)) return null;
  const ratio = rng.uniform(1, maxRatio);
  const left = Math.floor(rng.uniform(0, width * ratio - width));
  const top = Math.floor(rng.uniform(0, height * ratio - height));
  return { width: Math.floor(width * ratio), height: Math.floor(height * ratio), left, top };
}

/** Moves corner boxes by (dx, dy), in place. */
export function shiftBoxes(boxes: Float32Array, dx: number, dy: number): void {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] += dx;
    boxes[i + 1] += dy;
    boxes[i + 2] += dx;
    boxes[i + 3] += dy;
  }
}

/** Sets every pixel of `out[start, end)` to the RGB `mean`. */
export function fillPixels(out: Float32Array, start: number, end: number, mean: readonly number[]): void {
  for (let i = start; i < end; i += CHANNELS) {
    out[i] = mean[0];
    out[i + 1] = mean[1];
    out[i + 2] = mean[2];
  }
}

/**
 * Expand ("zoom out"): with p 1/2 places the image on a canvas `ratio` ∈ [1, maxRatio) times larger on each
 * side, at a random offset, filling the rest with `mean` (RGB); boxes move with the image.
 */
export function expand(mean: readonly number[], maxRatio = EXPAND_MAX_RATIO): Transform {
  if (mean.length !== CHANNELS) throw new Error(`expand: mean needs ${CHANNELS} values, got ${mean.length}`);
  return (sample, rng) => {
    const e = drawExpansion(sample.width, sample.height, rng, maxRatio);
    if (!e) return sample;
    const { width, height, image } = sample;
    const rowLength = e.width * CHANNELS;
    const out = new Float32Array(e.height * rowLength);
    fillPixels(out, 0, rowLength, mean);
    for (let y = 1; y < e.height; y++) out.copyWithin(y * rowLength, 0, rowLength);
    const srcRow = width * CHANNELS;
    for (let y = 0; y < height; y++) {
      out.set(image.subarray(y * srcRow, (y + 1) * srcRow), (e.top + y) * rowLength + e.left * CHANNELS);
    }
    shiftBoxes(sample.boxes, e.left, e.top);
    return { ...sample, image: out, width: e.width, height: e.height };
  };
}
