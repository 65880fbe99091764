import { boxIou } from '@ssd/boxes';
import { SHAPES_CLASSES } from '@ssd/config';
import {
  type Contour,
  coveredRect,
  createImage,
  ellipseShape,
  fillShapes,
  hsvToRgb,
  paintMask,
  polylineShapes,
  type RasterImage,
  type Rgb,
  shapesMask,
} from '@ssd/image';
import { mixSeed, Rng } from '@ssd/random';

/** One object drawn into a synthetic image: class, pixel box (0-based, inclusive) and difficulty. */
export interface ShapeObject {
  name: string;
  /** `[x1, y1, x2, y2]`: the first and last pixel columns and rows the shape covers. */
  box: [number, number, number, number];
  difficult: boolean;
}

/** A rendered synthetic image: RGB HWC pixels and the objects in it. */
export interface ShapesImage {
  width: number;
  height: number;
  data: Uint8Array;
  objects: ShapeObject[];
}

/** Hue (degrees) of each class: colour alone tells most of them apart, shape does the rest. */
const CLASS_HUES: Readonly<Record<string, number>> = {
  circle: 0,
  square: 120,
  triangle: 215,
  star: 55,
  hexagon: 295,
};

/** Fraction of objects drawn tiny (8–15 px) and marked difficult. */
const TINY_FRACTION = 0.1;
/** Overlap above this IoU with an earlier object makes a placement retry. */
const MAX_IOU = 0.15;

/** Renders image `index` of the shapes data set for `seed`: the same (seed, index) always gives the same image. */
export function renderShapesImage(seed: number, index: number): ShapesImage {
  const rng = new Rng(mixSeed(seed, index));
  const width = rng.int(240, 361);
  const height = rng.int(240, 361);
  const image = createImage(width, height, [0, 0, 0]);
  drawBackground(image, rng);

  const objects: ShapeObject[] = [];
  const count = rng.int(1, 7);
  for (let n = 0; n < count; n++) {
    const name = SHAPES_CLASSES[rng.int(1, SHAPES_CLASSES.length)]!;
    const tiny = rng.next() < TINY_FRACTION;
    // Log-uniform sizes: many mid-sized objects, some large ones, as a small SSD can learn them.
    const size = tiny
      ? rng.uniform(8, 16)
      : Math.exp(rng.uniform(Math.log(22), Math.log(0.5 * Math.min(width, height))));
    const angle = rng.uniform(0, 2 * Math.PI);
    const colour = rgb255(
      CLASS_HUES[name]! + rng.uniform(-12, 12),
      rng.uniform(0.7, 1),
      rng.uniform(0.75, 1),
    );
    for (let attempt = 0; attempt < 20; attempt++) {
      const cx = rng.uniform(size / 2 + 1, width - size / 2 - 1);
      const cy = rng.uniform(size / 2 + 1, height - size / 2 - 1);
      const mask = shapesMask([makeShape(name, cx, cy, size, angle)], {
        x0: 0,
        y0: 0,
        x1: width,
        y1: height,
      });
      // The box holds the pixels the shape covers at least half.
      const covered = mask && coveredRect(mask, 0.5);
      if (!mask || !covered) break;
      const box: ShapeObject['box'] = [covered.x0, covered.y0, covered.x1 - 1, covered.y1 - 1];
      if (objects.some((o) => iou(o.box, box) > MAX_IOU)) continue;
      // Light top-to-bottom shading, so that objects are not flat.
      const top = mask.region.y0;
      const h = Math.max(1, mask.height);
      paintMask(image, mask, (y) => shaded(colour, 1.1 - (0.25 * (y - top)) / h));
      objects.push({ name, box, difficult: tiny });
      break;
    }
  }
  // Noise over objects too, so that clean pixels do not give them away.
  addNoise(image, rng, rng.uniform(4, 20));
  return { width, height, data: image.data, objects };
}

/** The outline of one object of class `name`: a disc or a (possibly concave) polygon. */
function makeShape(name: string, cx: number, cy: number, size: number, angle: number): Contour[] {
  const r = size / 2;
  const ring = (n: number, radius: (i: number) => number, turn: number): Contour[] => {
    const c: Contour = [];
    for (let i = 0; i < n; i++) {
      const a = turn + (2 * Math.PI * i) / n;
      c.push(cx + radius(i) * Math.cos(a), cy + radius(i) * Math.sin(a));
    }
    return [c];
  };
  switch (name) {
    case 'circle':
      return ellipseShape(cx, cy, r, r);
    // Squares turn a little only, so they stay unlike diamonds.
    case 'square':
      return ring(4, () => r * Math.SQRT2 * 0.85, Math.PI / 4 + (angle % 0.6) - 0.3);
    case 'triangle':
      return ring(3, () => r, angle);
    case 'star':
      return ring(10, (i) => (i % 2 === 0 ? r : r * 0.45), angle);
    case 'hexagon':
      return ring(6, () => r, angle);
    default:
      throw new Error(`not supported: shape '${name}'`);
  }
}

function iou(a: readonly number[], b: readonly number[]): number {
  return boxIou(a[0]!, a[1]!, a[2]!, a[3]!, b[0]!, b[1]!, b[2]!, b[3]!);
}

/** HSV (hue in degrees, s and v in [0, 1]) to 0–255 RGB. */
function rgb255(h: number, s: number, v: number): Rgb {
  const [r, g, b] = hsvToRgb(h, s, v);
  return [255 * r, 255 * g, 255 * b];
}

/** `c` times `factor`, kept within 0–255. */
function shaded(c: Rgb, factor: number): Rgb {
  return [Math.min(255, c[0] * factor), Math.min(255, c[1] * factor), Math.min(255, c[2] * factor)];
}

/** Backgrounds: a gradient, muted translucent blobs and lines of any colour. */
function drawBackground(image: RasterImage, rng: Rng): void {
  const { width, height } = image;
  const a = rgb255(rng.uniform(0, 360), rng.uniform(0, 0.4), rng.uniform(0.3, 0.9));
  const b = rgb255(rng.uniform(0, 360), rng.uniform(0, 0.4), rng.uniform(0.3, 0.9));
  const theta = rng.uniform(0, 2 * Math.PI);
  const dx = Math.cos(theta);
  const dy = Math.sin(theta);
  const span = Math.abs(dx) * width + Math.abs(dy) * height;
  const x0 = dx < 0 ? width : 0;
  const y0 = dy < 0 ? height : 0;
  gradient(image, a, b, (x, y) => ((x - x0) * dx + (y - y0) * dy) / span);
  const blobs = rng.int(3, 9);
  for (let i = 0; i < blobs; i++) {
    const colour = rgb255(rng.uniform(0, 360), rng.uniform(0, 0.45), rng.uniform(0.2, 0.95));
    const ellipse = ellipseShape(
      rng.uniform(0, width),
      rng.uniform(0, height),
      rng.uniform(8, 70),
      rng.uniform(8, 70),
    );
    fillShapes(image, [ellipse], colour, undefined, rng.uniform(0.25, 0.6));
  }
  const lines = rng.int(4, 13);
  for (let i = 0; i < lines; i++) {
    const colour = rgb255(rng.uniform(0, 360), rng.uniform(0, 1), rng.uniform(0.2, 1));
    const ends = [
      rng.uniform(0, width),
      rng.uniform(0, height),
      rng.uniform(0, width),
      rng.uniform(0, height),
    ];
    fillShapes(image, polylineShapes(ends, 2 * rng.uniform(0.5, 2)), colour);
  }
}

/** Fills `image` with a blend of `a` and `b`, `t(x, y)` the weight of `b`. */
function gradient(image: RasterImage, a: Rgb, b: Rgb, t: (x: number, y: number) => number): void {
  const p = image.data;
  for (let y = 0, o = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++, o += 3) {
      const w = t(x, y);
      p[o] = Math.round(a[0] + (b[0] - a[0]) * w);
      p[o + 1] = Math.round(a[1] + (b[1] - a[1]) * w);
      p[o + 2] = Math.round(a[2] + (b[2] - a[2]) * w);
    }
  }
}

/** Adds uniform noise in [-amplitude, amplitude) to every channel (10 random bits per channel). */
function addNoise(image: RasterImage, rng: Rng, amplitude: number): void {
  // A clamped view rounds and keeps sums within 0–255 on assignment.
  const p = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  const scale = (2 * amplitude) / 1024;
  for (let o = 0; o < p.length; o += 3) {
    const r = rng.nextUint32();
    p[o] = p[o]! + (r & 1023) * scale - amplitude;
    p[o + 1] = p[o + 1]! + ((r >>> 10) & 1023) * scale - amplitude;
    p[o + 2] = p[o + 2]! + ((r >>> 20) & 1023) * scale - amplitude;
  }
}
