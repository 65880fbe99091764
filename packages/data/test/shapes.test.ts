import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, SHAPES_CLASSES } from '@ssd/config';
import {
  buildDataset,
  renderShapesImage,
  SHAPES_LABELS_FILE,
  type ShapesImage,
  type VOCDataset,
  writeShapesDataset,
} from '../src';
import { tempDir } from './helpers';

/** Every file under `dir`, relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Hue (degrees) and saturation of an RGB pixel, computed here independently of the generator. */
function hueSat(r: number, g: number, b: number): [number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  if (max === 0 || d === 0) return [0, 0];
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return [(h * 60 + 360) % 360, d / max];
}

// The hue each class is drawn in, as the data set documents it to the user.
const HUES: Record<string, number> = { circle: 0, square: 120, triangle: 215, star: 55, hexagon: 295 };

/** Pixels in a row or column segment whose colour is the object's class colour. */
function classPixels(img: ShapesImage, name: string, xs: number[], ys: number[]): number {
  let n = 0;
  for (const y of ys) {
    for (const x of xs) {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
      const o = (y * img.width + x) * 3;
      const [h, s] = hueSat(img.data[o]!, img.data[o + 1]!, img.data[o + 2]!);
      const dh = Math.abs(((h - HUES[name]! + 540) % 360) - 180);
      // Objects are bright and saturated; dark or greyish noisy background pixels are not.
      const v = Math.max(img.data[o]!, img.data[o + 1]!, img.data[o + 2]!);
      if (dh < 25 && s > 0.55 && v > 150) n++;
    }
  }
  return n;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('shapes data set', () => {
  const tmp = tempDir('shapes');
  afterAll(tmp.cleanup);

  test('generation is deterministic by seed and loads as VOC', async () => {
    const a = path.join(tmp.dir, 'a');
    const b = path.join(tmp.dir, 'b');
    const c = path.join(tmp.dir, 'c');
    const summary = await writeShapesDataset(a, { train: 6, test: 3, seed: 5 });
    await writeShapesDataset(b, { train: 6, test: 3, seed: 5 });
    await writeShapesDataset(c, { train: 6, test: 3, seed: 6 });
    expect(summary).toMatchObject({ train: 6, test: 3, classNames: SHAPES_CLASSES });

    const ta = readTree(a);
    const tb = readTree(b);
    expect([...ta.keys()].sort()).toEqual([...tb.keys()].sort());
    for (const [file, bytes] of ta) expect(bytes.equals(tb.get(file)!)).toBe(true);
    const tc = readTree(c);
    expect(ta.get('JPEGImages/000000.jpg')!.equals(tc.get('JPEGImages/000000.jpg')!)).toBe(false);
    expect(ta.has('ImageSets/Main/train.txt') && ta.has('ImageSets/Main/test.txt')).toBe(true);
    expect(fs.readFileSync(path.join(a, SHAPES_LABELS_FILE), 'utf8').trim().split('\n')).toEqual(
      SHAPES_CLASSES.slice(1),
    );

    // Loads through the catalog's built-in names under SHAPES_ROOT.
    const saved = process.env.SHAPES_ROOT;
    process.env.SHAPES_ROOT = a;
    try {
      const train = buildDataset(defaultConfig(), ['shapes_train'], true);
      const test = buildDataset(defaultConfig(), ['shapes_test'], false);
      expect(train.length).toBe(6);
      expect(test.length).toBe(3);
      expect(train.classNames).toEqual(SHAPES_CLASSES);
      expect(test.imageId(0)).toBe('000006');
      let objects = 0;
      for (const ds of [train, test] as VOCDataset[]) {
        for (let i = 0; i < ds.length; i++) {
          const ann = ds.getAnnotation(i);
          const item = await ds.getItem(i);
          expect([item.image.width, item.image.height]).toEqual([ann.width, ann.height]);
          objects += ann.labels.length;
        }
      }
      expect(objects).toBe(summary.objects);
    } finally {
      if (saved === undefined) delete process.env.SHAPES_ROOT;
      else process.env.SHAPES_ROOT = saved;
    }
  });

  // Rendered once, without JPEG, for the checks below.
  let images: ShapesImage[] = [];
  beforeAll(() => {
    images = Array.from({ length: 40 }, (_, i) => renderShapesImage(2, i));
  });

  test('images vary in size, hold several objects, tiny ones difficult', () => {
    const sizes = new Set(images.map((im) => `${im.width}x${im.height}`));
    expect(sizes.size).toBeGreaterThan(25);
    const objects = images.flatMap((im) => im.objects);
    expect(objects.length / images.length).toBeGreaterThan(2);
    expect(new Set(objects.map((o) => o.name))).toEqual(new Set(SHAPES_CLASSES.slice(1)));
    const side = (o: (typeof objects)[number]) => Math.max(o.box[2] - o.box[0], o.box[3] - o.box[1]) + 1;
    const difficult = objects.filter((o) => o.difficult);
    expect(difficult.length).toBeGreaterThan(0);
    for (const o of difficult) expect(side(o)).toBeLessThan(20);
    const normal = objects.filter((o) => !o.difficult);
    expect(normal.filter((o) => side(o) >= 20).length / normal.length).toBeGreaterThan(0.95);
  });

  test('each box is the tight extent of its shape', () => {
    let checked = 0;
    for (const img of images) {
      img.objects.forEach((o, j) => {
        const [x1, y1, x2, y2] = o.box;
        expect(x1 >= 0 && y1 >= 0 && x2 < img.width && y2 < img.height).toBe(true);
        // Only objects apart from the others: an overlapping neighbour may share the colour edge.
        const apart = img.objects.every(
          (p, k) =>
            k === j || p.box[0] > x2 + 2 || p.box[2] < x1 - 2 || p.box[1] > y2 + 2 || p.box[3] < y1 - 2,
        );
        if (!apart || o.difficult) return;
        const xs = range(x1, x2);
        const ys = range(y1, y2);
        // Skip objects crossed by clutter of their own colour (lines may take any hue).
        const ring = (k: number) =>
          classPixels(img, o.name, xs, [y1 - k, y2 + k]) + classPixels(img, o.name, [x1 - k, x2 + k], ys);
        if (ring(4) > 0) return;
        checked++;
        // The shape reaches each edge of the box (edge pixels are part-covered, hence the pixel inside too)...
        expect(classPixels(img, o.name, xs, [y1, y1 + 1])).toBeGreaterThan(0);
        expect(classPixels(img, o.name, xs, [y2 - 1, y2])).toBeGreaterThan(0);
        expect(classPixels(img, o.name, [x1, x1 + 1], ys)).toBeGreaterThan(0);
        expect(classPixels(img, o.name, [x2 - 1, x2], ys)).toBeGreaterThan(0);
        // ...and two pixels beyond it the shape is gone.
        expect(ring(2)).toBe(0);
        // The shape fills a good part of its box.
        expect(classPixels(img, o.name, xs, ys) / (xs.length * ys.length)).toBeGreaterThan(0.3);
      });
    }
    expect(checked).toBeGreaterThan(40);
  });

  test('rejects bad sizes', async () => {
    await expect(writeShapesDataset(path.join(tmp.dir, 'x'), { train: -1 })).rejects.toThrow(
      "'train' must be",
    );
  });
});
