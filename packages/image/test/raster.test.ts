import { coveredRect, createImage, ellipseShape, fillShapes, paintMask, shapesMask } from '../src';
import { discShape, polylineShapes } from '../src/raster/contours';
import { CoverageMask, fillPolygons } from '../src/raster/fill';

const region = { x0: 0, y0: 0, x1: 40, y1: 40 };
const at = (m: CoverageMask, x: number, y: number) => m.data[y * m.width + x];
const total = (m: CoverageMask) => m.data.reduce((a, b) => a + b, 0);

describe('fillPolygons', () => {
  test('a rectangle with half-pixel sides gives half coverage on those columns and full inside', () => {
    const m = new CoverageMask(region);
    fillPolygons(m, [[10.5, 10, 20.5, 10, 20.5, 20, 10.5, 20]]);
    expect(at(m, 10, 15)).toBeCloseTo(0.5, 5);
    expect(at(m, 15, 15)).toBeCloseTo(1, 5);
    expect(at(m, 20, 15)).toBeCloseTo(0.5, 5);
    expect(at(m, 9, 15)).toBe(0);
    expect(at(m, 15, 20)).toBe(0);
    expect(total(m)).toBeCloseTo(100, 3);
  });

  test('total coverage of a triangle equals its area', () => {
    const m = new CoverageMask(region);
    fillPolygons(m, [[3.2, 4.1, 35.7, 9.3, 12.4, 33.8]]);
    const area = Math.abs((35.7 - 3.2) * (33.8 - 4.1) - (12.4 - 3.2) * (9.3 - 4.1)) / 2;
    expect(total(m) / area).toBeCloseTo(1, 2);
  });

  test('nonzero rule: an inner contour wound the other way is a hole, the same way is not', () => {
    const outer = [5, 5, 35, 5, 35, 35, 5, 35];
    const holeReversed = [15, 15, 15, 25, 25, 25, 25, 15];
    const holeSame = [15, 15, 25, 15, 25, 25, 15, 25];
    const withHole = new CoverageMask(region);
    fillPolygons(withHole, [outer, holeReversed]);
    expect(at(withHole, 20, 20)).toBe(0);
    expect(at(withHole, 10, 10)).toBeCloseTo(1, 5);
    const noHole = new CoverageMask(region);
    fillPolygons(noHole, [outer, holeSame]);
    expect(at(noHole, 20, 20)).toBeCloseTo(1, 5);
  });

  test('shapes combine by maximum, and are clipped to the mask region', () => {
    const m = new CoverageMask({ x0: 10, y0: 10, x1: 20, y1: 20 });
    fillPolygons(m, [[0, 0, 15, 0, 15, 15, 0, 15]]);
    fillPolygons(m, [[12, 12, 30, 12, 30, 30, 12, 30]]);
    expect(at(m, 3, 3)).toBeCloseTo(1, 5); // pixel (13, 13): inside both
    expect(total(m)).toBeCloseTo(25 + 64 - 9, 3);
  });
});

describe('stroke shapes', () => {
  test('a horizontal 2-px line covers two full rows along its length', () => {
    const m = new CoverageMask(region);
    for (const s of polylineShapes([5, 20, 30, 20], 2)) fillPolygons(m, s);
    expect(at(m, 15, 19)).toBeCloseTo(1, 5);
    expect(at(m, 15, 20)).toBeCloseTo(1, 5);
    expect(at(m, 15, 18)).toBe(0);
    expect(total(m)).toBeCloseTo(50, 3);
  });

  test('a bent polyline has no notch at the bend, and a disc has area pi r^2', () => {
    const m = new CoverageMask(region);
    for (const s of polylineShapes([5, 30, 20, 10, 35, 30], 4)) fillPolygons(m, s);
    expect(at(m, 20, 10)).toBeCloseTo(1, 5);
    // Just above the bend: the round join covers most of it, the two bare segment ends leave a notch.
    expect(at(m, 20, 8)).toBeGreaterThan(0.7);
    const bare = new CoverageMask(region);
    for (const s of [...polylineShapes([5, 30, 20, 10], 4), ...polylineShapes([20, 10, 35, 30], 4)]) {
      fillPolygons(bare, s);
    }
    expect(at(bare, 20, 8)).toBeLessThan(0.3);
    const d = new CoverageMask(region);
    fillPolygons(d, discShape(20, 20, 10));
    expect(total(d) / (Math.PI * 100)).toBeCloseTo(1, 1);
  });
});

describe('ellipses', () => {
  test('an ellipse covers pi rx ry and reaches rx and ry from its centre', () => {
    const m = new CoverageMask(region);
    fillPolygons(m, ellipseShape(20, 20, 15, 6));
    expect(total(m) / (Math.PI * 15 * 6)).toBeCloseTo(1, 2);
    // Pixel 34 spans [34, 35): the right end at x = 35 covers it fully on row 19-20 (y = 20 is the axis).
    expect(at(m, 34, 19)).toBeGreaterThan(0.5);
    expect(at(m, 35, 19)).toBe(0);
    expect(at(m, 20, 14)).toBeGreaterThan(0.5);
    expect(at(m, 20, 13)).toBe(0);
  });
});

describe('painting', () => {
  test('paintMask blends by coverage times opacity, one colour per row if asked, and raises RGBA alpha', () => {
    const image = { data: new Uint8Array(4 * 2 * 4), width: 4, height: 2, channels: 4 as const };
    const mask = new CoverageMask({ x0: 1, y0: 0, x1: 3, y1: 2 });
    mask.data.set([1, 0.5, 1, 0]);
    paintMask(image, mask, (y) => (y === 0 ? [200, 100, 0] : [0, 0, 255]), 0.5);
    const px = (x: number, y: number) =>
      Array.from(image.data.subarray((y * 4 + x) * 4, (y * 4 + x + 1) * 4));
    expect(px(0, 0)).toEqual([0, 0, 0, 0]);
    expect(px(1, 0)).toEqual([100, 50, 0, 128]); // 0.5 of the row-0 colour; alpha 255 · 0.5 rounded
    expect(px(2, 0)).toEqual([50, 25, 0, 64]); // coverage 0.5 × opacity 0.5
    expect(px(1, 1)).toEqual([0, 0, 128, 128]);
    expect(px(2, 1)).toEqual([0, 0, 0, 0]);
  });

  test('coveredRect bounds the pixels covered at least the threshold', () => {
    const mask = shapesMask([[[2.5, 3, 9, 3, 9, 7.5, 2.5, 7.5]]], region);
    expect(mask).toBeDefined();
    expect(coveredRect(mask!, 0.5)).toEqual({ x0: 2, y0: 3, x1: 9, y1: 8 });
    expect(coveredRect(mask!, 0.9)).toEqual({ x0: 3, y0: 3, x1: 9, y1: 7 });
    expect(coveredRect(new CoverageMask(region), 0.5)).toBeUndefined();
    expect(shapesMask([], region)).toBeUndefined();
  });

  test('fillShapes clips to the image by default and ignores shapes outside it', () => {
    const image = createImage(10, 10, [0, 0, 0]);
    fillShapes(image, [[[-5, -5, 5, -5, 5, 5, -5, 5]]], [255, 255, 255]);
    const painted = image.data.reduce((n, v, i) => n + (i % 3 === 0 && v === 255 ? 1 : 0), 0);
    expect(painted).toBe(25);
    fillShapes(image, [[[20, 20, 30, 20, 30, 30]]], [9, 9, 9]);
    expect(image.data.includes(9)).toBe(false);
  });
});
