import { Rng } from '@ssd/random';
import type { ImageSample } from '../src';

/** An Rng whose `next()` replays fixed values, so a test knows every draw a transform makes. */
export class ScriptedRng extends Rng {
  private readonly values: number[];
  constructor(values: number[]) {
    super(0);
    this.values = [...values];
  }
  override next(): number {
    const v = this.values.shift();
    if (v === undefined) throw new Error('ScriptedRng: out of values');
    return v;
  }
  /** Draws not yet consumed. */
  remaining(): number {
    return this.values.length;
  }
}

/** A float image whose pixel (x, y) is [x, y, x + 1000·y], so any crop/flip can be traced back. */
export function coordinateImage(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[i] = x;
      out[i + 1] = y;
      out[i + 2] = x + 1000 * y;
    }
  }
  return out;
}

/** A sample of the given size with random pixel values in [0, 255]. */
export function randomSample(
  width: number,
  height: number,
  boxes: number[],
  labels: number[],
  seed = 1,
): ImageSample {
  const rng = new Rng(seed);
  const image = new Float32Array(width * height * 3);
  for (let i = 0; i < image.length; i++) image[i] = Math.floor(rng.next() * 256);
  return { image, width, height, boxes: Float32Array.from(boxes), labels: Int32Array.from(labels) };
}

/** A straightforward bilinear resize: sample point (x+½)·sx−½, clamped to the image, blended from 4 pixels. */
export function naiveBilinear(
  src: ArrayLike<number>,
  w: number,
  h: number,
  ow: number,
  oh: number,
): Float64Array {
  const out = new Float64Array(ow * oh * 3);
  const px = (x: number, y: number, c: number): number => src[(y * w + x) * 3 + c];
  for (let y = 0; y < oh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * (h / oh) - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.min(Math.max((x + 0.5) * (w / ow) - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = px(x0, y0, c) * (1 - wx) + px(x1, y0, c) * wx;
        const bottom = px(x0, y1, c) * (1 - wx) + px(x1, y1, c) * wx;
        out[(y * ow + x) * 3 + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Whether two typed arrays hold the same values (fast, unlike jest's element-wise `toEqual` on big arrays). */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
