import { imageRect, intersectRect, type PixelRect, type RasterImage, type Rgb } from './image';

/** A closed polygon as a flat list of x, y pairs in pixel coordinates (pixel i spans [i, i+1)). */
export type Contour = number[];

/** Sub-scanlines per pixel row; horizontal coverage is computed exactly, so this sets vertical anti-aliasing. */
const SUBSAMPLES = 16;

/** Per-pixel coverage (0..1) over a rectangular region of an image; shapes accumulate by maximum. */
export class CoverageMask {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;

  constructor(readonly region: PixelRect) {
    this.width = Math.max(0, region.x1 - region.x0);
    this.height = Math.max(0, region.y1 - region.y0);
    this.data = new Float32Array(this.width * this.height);
  }
}

/** Adds `weight` times the covered length of [xa, xb) to each pixel of `acc` (coordinates relative to it). */
function addSpan(acc: Float32Array, xa: number, xb: number, weight: number): void {
  xa = Math.max(0, xa);
  xb = Math.min(acc.length, xb);
  if (xb <= xa) return;
  const ia = Math.floor(xa);
  const ib = Math.floor(xb);
  if (ia === ib) {
    acc[ia] += (xb - xa) * weight;
    return;
  }
  acc[ia] += (ia + 1 - xa) * weight;
  for (let i = ia + 1; i < ib; i++) acc[i] += weight;
  if (ib < acc.length) acc[ib] += (xb - ib) * weight;
}

/**
 * Fills one shape made of `contours` into `mask` with the nonzero winding rule and anti-aliased edges,
 * keeping the larger coverage where the mask already holds some (so overlapping shapes do not darken).
 */
export function fillPolygons(mask: CoverageMask, contours: readonly Contour[]): void {
  // Edges as (yTop, yBottom, xAtTop, dx/dy, winding direction), horizontal edges dropped.
  const edges: number[] = [];
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const c of contours) {
    const n = c.length / 2;
    for (let i = 0; i < n; i++) {
      const xa = c[2 * i];
      const ya = c[2 * i + 1];
      const j = (i + 1) % n;
      const xb = c[2 * j];
      const yb = c[2 * j + 1];
      if (ya === yb) continue;
      const down = yb > ya;
      const top = down ? ya : yb;
      const bottom = down ? yb : ya;
      edges.push(top, bottom, down ? xa : xb, (xb - xa) / (yb - ya), down ? 1 : -1);
      minY = Math.min(minY, top);
      maxY = Math.max(maxY, bottom);
    }
  }
  const { region, width } = mask;
  const rowStart = Math.max(region.y0, Math.floor(minY));
  const rowEnd = Math.min(region.y1, Math.ceil(maxY));
  const acc = new Float32Array(width);
  const xs: number[] = [];
  const dirs: number[] = [];
  for (let py = rowStart; py < rowEnd; py++) {
    acc.fill(0);
    let touched = false;
    for (let s = 0; s < SUBSAMPLES; s++) {
      const sy = py + (s + 0.5) / SUBSAMPLES;
      xs.length = 0;
      dirs.length = 0;
      for (let e = 0; e < edges.length; e += 5) {
        if (sy < edges[e] || sy >= edges[e + 1]) continue;
        const x = edges[e + 2] + (sy - edges[e]) * edges[e + 3];
        // Insertion keeps crossings sorted; a row crosses only a handful of edges.
        let k = xs.length;
        xs.push(x);
        dirs.push(edges[e + 4]);
        while (k > 0 && xs[k - 1] > x) {
          xs[k] = xs[k - 1];
          dirs[k] = dirs[k - 1];
          k--;
        }
        xs[k] = x;
        dirs[k] = edges[e + 4];
      }
      let winding = 0;
      let spanStart = 0;
      for (let k = 0; k < xs.length; k++) {
        const before = winding;
        winding += dirs[k];
        if (before === 0 && winding !== 0) spanStart = xs[k];
        else if (before !== 0 && winding === 0) {
          addSpan(acc, spanStart - region.x0, xs[k] - region.x0, 1 / SUBSAMPLES);
          touched = true;
        }
      }
    }
    if (!touched) continue;
    const row = (py - region.y0) * width;
    for (let x = 0; x < width; x++) {
      const v = Math.min(1, acc[x]);
      if (v > mask.data[row + x]) mask.data[row + x] = v;
    }
  }
}

/** The colour of each row of a shape (for shading), given the row's y. */
export type RowColor = (y: number) => Rgb;

/**
 * Blends `color` (one colour, or one per row) into `image` with each pixel's mask coverage times `opacity` as
 * its opacity.
 */
export function paintMask(image: RasterImage, mask: CoverageMask, color: Rgb | RowColor, opacity = 1): void {
  const { region, width } = mask;
  const ch = image.channels;
  for (let y = 0; y < mask.height; y++) {
    const c = typeof color === 'function' ? color(region.y0 + y) : color;
    for (let x = 0; x < width; x++) {
      const a = mask.data[y * width + x] * opacity;
      if (a <= 0) continue;
      const i = ((region.y0 + y) * image.width + region.x0 + x) * ch;
      for (let k = 0; k < 3; k++) image.data[i + k] = Math.round(image.data[i + k] * (1 - a) + c[k] * a);
      if (ch === 4) image.data[i + 3] = Math.round(image.data[i + 3] * (1 - a) + 255 * a);
    }
  }
}

/** The smallest rectangle holding every pixel of `mask` with coverage at least `min`, or undefined if none. */
export function coveredRect(mask: CoverageMask, min: number): PixelRect | undefined {
  const { region, width, height, data } = mask;
  let rect: PixelRect | undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] < min) continue;
      const px = region.x0 + x;
      const py = region.y0 + y;
      if (!rect) rect = { x0: px, y0: py, x1: px + 1, y1: py + 1 };
      else {
        rect.x0 = Math.min(rect.x0, px);
        rect.x1 = Math.max(rect.x1, px + 1);
        rect.y1 = py + 1;
      }
    }
  }
  return rect;
}

/** The smallest integer rectangle holding every contour point. */
export function contoursBounds(contours: readonly Contour[]): PixelRect {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const c of contours) {
    for (let i = 0; i < c.length; i += 2) {
      x0 = Math.min(x0, c[i]);
      x1 = Math.max(x1, c[i]);
      y0 = Math.min(y0, c[i + 1]);
      y1 = Math.max(y1, c[i + 1]);
    }
  }
  return { x0: Math.floor(x0), y0: Math.floor(y0), x1: Math.ceil(x1), y1: Math.ceil(y1) };
}

/** The coverage of `shapes` (each a list of contours, filled nonzero) over their bounds within `clip`. */
export function shapesMask(shapes: readonly Contour[][], clip: PixelRect): CoverageMask | undefined {
  const all = shapes.flat();
  if (all.length === 0) return undefined;
  const region = intersectRect(contoursBounds(all), clip);
  if (region.x1 <= region.x0 || region.y1 <= region.y0) return undefined;
  const mask = new CoverageMask(region);
  for (const shape of shapes) fillPolygons(mask, shape);
  return mask;
}

/**
 * Paints each shape (a list of contours, filled nonzero) of one colour into `image`, clipped to `clip` (default:
 * the whole image), `opacity` times its coverage; shapes are merged before blending, so overlaps keep a
 * uniform colour.
 */
export function fillShapes(
  image: RasterImage,
  shapes: readonly Contour[][],
  color: Rgb,
  clip: PixelRect = imageRect(image),
  opacity = 1,
): void {
  const mask = shapesMask(shapes, intersectRect(clip, imageRect(image)));
  if (mask) paintMask(image, mask, color, opacity);
}
