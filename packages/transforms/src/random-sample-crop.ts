import { boxIou } from '@ssd/boxes';
import type { Rng } from '@ssd/random';
import type { LabelledBoxes } from './compose';
import { CHANNELS, type Transform } from './sample';

/**
 * The reference's sampling modes: `null` keeps the whole image; a number is the least IoU the patch must
 * have with at least one box; `-Infinity` is an unconstrained random patch.
 */
export const CROP_MODES: readonly (number | null)[] = [null, 0.1, 0.3, 0.7, 0.9, -Infinity];

/** Patches tried per chosen mode before choosing a mode again. */
const MAX_TRIALS = 50;
/** Patch sides are drawn from [MIN_SCALE, 1) of the image's. */
const MIN_SCALE = 0.3;

/** A patch [x1, x2) × [y1, y2) in whole pixels, and which boxes it keeps (`keep[i]` = 1). */
export interface CropWindow {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  keep: Uint8Array;
}

/** IoU of box row `i` with the rectangle [x1, y1, x2, y2]. */
function iouWithRect(boxes: Float32Array, i: number, x1: number, y1: number, x2: number, y2: number): number {
  return boxIou(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], x1, y1, x2, y2);
}

/**
 * RandomSampleCrop's random search, on boxes only: pick a mode; try up to 50 patches (sides in [0.3, 1) of
 * the image's, aspect h/w in [0.5, 2]) until one has IoU ≥ the mode's minimum with some box and strictly
 * contains at least one box centre. `null` means keep the whole image (also when there are no boxes).
 */
export function drawCrop(width: number, height: number, boxes: Float32Array, rng: Rng): CropWindow | null {
  const n = boxes.length / 4;
  if (n === 0) return null;
  const keep = new Uint8Array(n);
  for (;;) {
    const minIou = CROP_MODES[rng.int(0, CROP_MODES.length)];
    if (minIou === null) return null;
    for (let trial = 0; trial < MAX_TRIALS; trial++) {
      const w = rng.uniform(MIN_SCALE * width, width);
      const h = rng.uniform(MIN_SCALE * height, height);
      if (h / w < 0.5 || h / w > 2) continue;
      // The reference calls numpy's uniform(width - w) with one argument, which samples between
      // width - w and 1 (the default high), not from 0; kept so the crops are distributed the same.
      const left = rng.uniform(width - w, 1);
      const top = rng.uniform(height - h, 1);
      const x1 = Math.trunc(left);
      const y1 = Math.trunc(top);
      // numpy slicing stops at the image edge.
      const x2 = Math.min(Math.trunc(left + w), width);
      const y2 = Math.min(Math.trunc(top + h), height);
      // Only tiny images give an empty patch; the reference would fail on it, we try again.
      if (x2 <= x1 || y2 <= y1) continue;
      let maxIou = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) maxIou = Math.max(maxIou, iouWithRect(boxes, i, x1, y1, x2, y2));
      if (maxIou < minIou) continue;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const cx = (boxes[4 * i] + boxes[4 * i + 2]) / 2;
        const cy = (boxes[4 * i + 1] + boxes[4 * i + 3]) / 2;
        keep[i] = x1 < cx && y1 < cy && x2 > cx && y2 > cy ? 1 : 0;
        kept += keep[i];
      }
      if (kept > 0) return { x1, y1, x2, y2, keep };
    }
  }
}

/** The boxes a crop keeps, clipped to it and moved into its coordinates, with their labels. */
export function cropBoxes(boxes: Float32Array, labels: Int32Array, crop: CropWindow): LabelledBoxes {
  const { x1, y1, x2, y2, keep } = crop;
  let kept = 0;
  for (let i = 0; i < keep.length; i++) kept += keep[i];
  const outBoxes = new Float32Array(kept * 4);
  const outLabels = new Int32Array(kept);
  let o = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    outBoxes[4 * o] = Math.max(boxes[4 * i], x1) - x1;
    outBoxes[4 * o + 1] = Math.max(boxes[4 * i + 1], y1) - y1;
    outBoxes[4 * o + 2] = Math.min(boxes[4 * i + 2], x2) - x1;
    outBoxes[4 * o + 3] = Math.min(boxes[4 * i + 3], y2) - y1;
    outLabels[o++] = labels[i];
  }
  return { boxes: outBoxes, labels: outLabels };
}

/**
 * RandomSampleCrop as in the reference (see `drawCrop`): the image cut to the chosen patch, keeping the
 * boxes whose centres lie strictly inside it, clipped to it.
 */
export function randomSampleCrop(): Transform {
  return (sample, rng) => {
    const { image, width, boxes, labels } = sample;
    const crop = drawCrop(width, sample.height, boxes, rng);
    if (!crop) return sample;
    const { x1, y1, x2, y2 } = crop;
    const rowLength = (x2 - x1) * CHANNELS;
    const out = new Float32Array((y2 - y1) * rowLength);
    for (let y = y1; y < y2; y++) {
      const start = (y * width + x1) * CHANNELS;
      out.set(image.subarray(start, start + rowLength), (y - y1) * rowLength);
    }
    return { image: out, width: x2 - x1, height: y2 - y1, ...cropBoxes(boxes, labels, crop) };
  };
}
