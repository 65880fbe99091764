import { boxIou } from '@ssd/boxes';
import { SHAPES_CLASSES } from '@ssd/config';
import { hsvToRgb } from '@ssd/image';
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

type Rgb = [number, number, number];
type Point = [number, number];

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
  const canvas = new Canvas(width, height);
  drawBackground(canvas, rng);

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
      const shape = makeShape(name, cx, cy, size, angle);
      const bounds = shapeBounds(shape);
      if (objects.some((o) => iou(o.box, bounds) > MAX_IOU)) continue;
      const box = canvas.fill(shape, colour);
      if (box) objects.push({ name, box, difficult: tiny });
      break;
    }
  }
  // Noise over objects too, so that clean pixels do not give them away.
  canvas.noise(rng, rng.uniform(4, 20));
  return { width, height, data: canvas.toBytes(), objects };
}

/** A shape to rasterise: a disc or a polygon. */
type Shape = { kind: 'disc'; cx: number; cy: number; r: number } | { kind: 'polygon'; points: Point[] };

function makeShape(name: string, cx: number, cy: number, size: number, angle: number): Shape {
  const r = size / 2;
  const ring = (n: number, radius: (i: number) => number, turn: number): Shape => ({
    kind: 'polygon',
    points: Array.from({ length: n }, (_, i) => {
      const a = turn + (2 * Math.PI * i) / n;
      return [cx + radius(i) * Math.cos(a), cy + radius(i) * Math.sin(a)] as Point;
    }),
  });
  switch (name) {
    case 'circle':
      return { kind: 'disc', cx, cy, r };
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

function shapeBounds(shape: Shape): [number, number, number, number] {
  if (shape.kind === 'disc')
    return [shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r];
  const xs = shape.points.map((p) => p[0]);
  const ys = shape.points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function inside(shape: Shape, x: number, y: number): boolean {
  if (shape.kind === 'disc') return (x - shape.cx) ** 2 + (y - shape.cy) ** 2 <= shape.r ** 2;
  // Even–odd crossing test: works for the concave star too.
  let hit = false;
  const pts = shape.points;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i]!;
    const [xj, yj] = pts[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function iou(a: readonly number[], b: readonly number[]): number {
  return boxIou(a[0]!, a[1]!, a[2]!, a[3]!, b[0]!, b[1]!, b[2]!, b[3]!);
}

/** HSV (hue in degrees, s and v in [0, 1]) to 0–255 RGB. */
function rgb255(h: number, s: number, v: number): Rgb {
  const [r, g, b] = hsvToRgb(h, s, v);
  return [255 * r, 255 * g, 255 * b];
}

/** Backgrounds: a gradient, muted translucent blobs and lines of any colour. */
function drawBackground(canvas: Canvas, rng: Rng): void {
  const { width, height } = canvas;
  const a = rgb255(rng.uniform(0, 360), rng.uniform(0, 0.4), rng.uniform(0.3, 0.9));
  const b = rgb255(rng.uniform(0, 360), rng.uniform(0, 0.4), rng.uniform(0.3, 0.9));
  const theta = rng.uniform(0, 2 * Math.PI);
  const dx = Math.cos(theta);
  const dy = Math.sin(theta);
  const span = Math.abs(dx) * width + Math.abs(dy) * height;
  const x0 = dx < 0 ? width : 0;
  const y0 = dy < 0 ? height : 0;
  canvas.gradient(a, b, (x, y) => ((x - x0) * dx + (y - y0) * dy) / span);
  const blobs = rng.int(3, 9);
  for (let i = 0; i < blobs; i++) {
    const colour = rgb255(rng.uniform(0, 360), rng.uniform(0, 0.45), rng.uniform(0.2, 0.95));
    canvas.ellipse(
      rng.uniform(0, width),
      rng.uniform(0, height),
      rng.uniform(8, 70),
      rng.uniform(8, 70),
      colour,
      rng.uniform(0.25, 0.6),
    );
  }
  const lines = rng.int(4, 13);
  for (let i = 0; i < lines; i++) {
    const colour = rgb255(rng.uniform(0, 360), rng.uniform(0, 1), rng.uniform(0.2, 1));
    canvas.line(
      [rng.uniform(0, width), rng.uniform(0, height)],
      [rng.uniform(0, width), rng.uniform(0, height)],
      rng.uniform(0.5, 2),
      colour,
    );
  }
}

/** A float RGB canvas with the few drawing operations the generator needs. */
class Canvas {
  readonly pixels: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Float32Array(width * height * 3);
  }

  /** Fills the canvas with a blend of `a` and `b`, `t(x, y)` the weight of `b`. */
  gradient(a: Rgb, b: Rgb, t: (x: number, y: number) => number): void {
    const p = this.pixels;
    for (let y = 0, o = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++, o += 3) {
        const w = t(x, y);
        p[o] = a[0] + (b[0] - a[0]) * w;
        p[o + 1] = a[1] + (b[1] - a[1]) * w;
        p[o + 2] = a[2] + (b[2] - a[2]) * w;
      }
    }
  }

  private blend(x: number, y: number, c: Rgb, alpha: number): void {
    const o = (y * this.width + x) * 3;
    const p = this.pixels;
    for (let k = 0; k < 3; k++) p[o + k] = p[o + k]! + (c[k]! - p[o + k]!) * alpha;
  }

  /** Paints pixels within the box for which `cover` gives a positive weight, blended by that weight. */
  private paint(box: number[], cover: (x: number, y: number) => number, colour: (y: number) => Rgb): void {
    const x1 = Math.max(0, Math.floor(box[0]!));
    const y1 = Math.max(0, Math.floor(box[1]!));
    const x2 = Math.min(this.width - 1, Math.ceil(box[2]!));
    const y2 = Math.min(this.height - 1, Math.ceil(box[3]!));
    for (let y = y1; y <= y2; y++) {
      const c = colour(y);
      for (let x = x1; x <= x2; x++) {
        const w = cover(x, y);
        if (w > 0) this.blend(x, y, c, w);
      }
    }
  }

  /** Fills a shape (2×2 supersampled edges, light top-to-bottom shading); returns the pixels it covers at least half. */
  fill(shape: Shape, c: Rgb): [number, number, number, number] | undefined {
    const bounds = shapeBounds(shape);
    const top = bounds[1];
    const h = Math.max(1, bounds[3] - bounds[1]);
    let box: [number, number, number, number] | undefined;
    const cover = (x: number, y: number) => {
      let n = 0;
      for (let i = 0; i < SUBSAMPLES.length; i++)
        if (inside(shape, x + SUBSAMPLES[i]![0], y + SUBSAMPLES[i]![1])) n++;
      if (n >= 2) {
        box = box
          ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)]
          : [x, y, x, y];
      }
      return n / SUBSAMPLES.length;
    };
    this.paint(bounds, cover, (y) => {
      const shade = 1.1 - (0.25 * (y - top)) / h;
      return [c[0] * shade, c[1] * shade, c[2] * shade];
    });
    return box;
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, c: Rgb, alpha: number): void {
    const inEllipse = (x: number, y: number) => ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1;
    this.paint(
      [cx - rx, cy - ry, cx + rx, cy + ry],
      (x, y) => (inEllipse(x, y) ? alpha : 0),
      () => c,
    );
  }

  line(a: Point, b: Point, halfWidth: number, c: Rgb): void {
    const [ax, ay] = a;
    const vx = b[0] - ax;
    const vy = b[1] - ay;
    const len2 = Math.max(1e-9, vx * vx + vy * vy);
    const reach2 = (halfWidth + 0.5) ** 2;
    const cover = (x: number, y: number) => {
      const px = x + 0.5 - ax;
      const py = y + 0.5 - ay;
      const t = Math.max(0, Math.min(1, (px * vx + py * vy) / len2));
      const d2 = (px - t * vx) ** 2 + (py - t * vy) ** 2;
      // Most pixels of the bounding box are far from the segment: skip the square root for them.
      return d2 >= reach2 ? 0 : Math.min(1, halfWidth + 0.5 - Math.sqrt(d2));
    };
    const pad = halfWidth + 1;
    this.paint(
      [
        Math.min(ax, b[0]) - pad,
        Math.min(ay, b[1]) - pad,
        Math.max(ax, b[0]) + pad,
        Math.max(ay, b[1]) + pad,
      ],
      cover,
      () => c,
    );
  }

  /** Adds uniform noise in [-amplitude, amplitude) to every channel (10 random bits per channel). */
  noise(rng: Rng, amplitude: number): void {
    const p = this.pixels;
    const scale = (2 * amplitude) / 1024;
    for (let o = 0; o < p.length; o += 3) {
      const r = rng.nextUint32();
      p[o] = p[o]! + (r & 1023) * scale - amplitude;
      p[o + 1] = p[o + 1]! + ((r >>> 10) & 1023) * scale - amplitude;
      p[o + 2] = p[o + 2]! + ((r >>> 20) & 1023) * scale - amplitude;
    }
  }

  toBytes(): Uint8Array {
    // Uint8ClampedArray rounds and clamps to 0–255 on assignment.
    const clamped = new Uint8ClampedArray(this.pixels.length);
    clamped.set(this.pixels);
    return new Uint8Array(clamped.buffer);
  }
}

const SUBSAMPLES: readonly Point[] = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
];
