import { fillRect, type PixelRect, type RasterImage } from '@ssd/image';
import { classColor, textColorOn } from '../src/colors';
import {
  boxRect,
  type Detection,
  defaultFontSize,
  defaultLineWidth,
  drawDetections,
  labelText,
  layoutTag,
} from '../src/draw-detections';
import { changedPixels, pixel, sameColor, solid } from './helpers';

const GREY = [128, 128, 128] as const;
const det = (box: Detection['box'], labelId = 3, label = 'cat', score = 0.92): Detection => ({
  box,
  label,
  labelId,
  score,
});
const inside = (r: PixelRect, x: number, y: number) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
const tagStyle = (img: RasterImage) => ({
  size: defaultFontSize(img.width, img.height),
  weight: 'bold' as const,
});

describe('box outline', () => {
  test('outline pixels take the class colour; the interior and the outside stay untouched', () => {
    const img = solid(200, 160, GREY);
    const out = drawDetections(img, [det([40, 60, 150, 140])], { lineWidth: 3 });
    const color = classColor(3);
    for (const y of [61, 100, 139]) {
      for (const x of [40, 41, 42, 147, 148, 149]) expect(pixel(out, x, y)).toEqual([...color]);
    }
    for (const x of [50, 100, 140]) {
      for (const y of [60, 62, 137, 139]) expect(pixel(out, x, y)).toEqual([...color]);
    }
    for (let y = 63; y < 137; y++) {
      for (let x = 43; x < 147; x++) expect(sameColor(pixel(out, x, y), GREY)).toBe(true);
    }
    expect(pixel(out, 39, 100)).toEqual([...GREY]);
    expect(pixel(out, 150, 100)).toEqual([...GREY]);
    expect(pixel(out, 100, 140)).toEqual([...GREY]);
  });

  test('the input image is not modified and RGBA keeps its alpha outside the drawing', () => {
    const img = solid(100, 80, GREY, 4);
    const before = new Uint8Array(img.data);
    const out = drawDetections(img, [det([20, 30, 80, 70])]);
    expect(img.data).toEqual(before);
    expect(out.channels).toBe(4);
    expect(out.data[(5 * 100 + 90) * 4 + 3]).toBe(200);
    expect(out.data[(50 * 100 + 20) * 4 + 3]).toBe(255);
  });

  test('outline thickness and text size scale with the image', () => {
    expect(defaultLineWidth(500, 375)).toBe(2);
    expect(defaultLineWidth(4000, 3000)).toBe(12);
    expect(defaultFontSize(500, 375)).toBe(12);
    expect(defaultFontSize(4000, 3000)).toBe(75);
    const small = layoutTag(boxRect([10, 100, 50, 150], 500, 375), 'cat: 0.92', { size: 12 }, 500, 375);
    const big = layoutTag(boxRect([10, 100, 50, 150], 4000, 3000), 'cat: 0.92', { size: 75 }, 4000, 3000);
    const h = (r: PixelRect) => r.y1 - r.y0;
    expect(h(big.rect) / h(small.rect)).toBeGreaterThan(5);
  });
});

describe('label tag', () => {
  test('text reads "label: score" with the requested decimals', () => {
    expect(labelText(det([0, 0, 1, 1], 15, 'person', 0.9234))).toBe('person: 0.92');
    expect(labelText(det([0, 0, 1, 1], 15, 'person', 0.9), 3)).toBe('person: 0.900');
  });

  test('sits on top of the box when there is room, inside it at the top edge otherwise', () => {
    const [w, h] = [300, 200];
    const style = { size: 12, weight: 'bold' as const };
    const middle = layoutTag(boxRect([100, 80, 200, 150], w, h), 'cat: 0.92', style, w, h);
    expect(middle.rect.y1).toBe(80);
    expect(middle.rect.x0).toBe(100);
    const top = layoutTag(boxRect([100, 0, 200, 150], w, h), 'cat: 0.92', style, w, h);
    expect(top.rect.y0).toBe(0);
  });

  test.each([
    ['top-left corner', [0, 0, 50, 40]],
    ['top-right corner', [250, 0, 300, 40]],
    ['bottom-left corner', [0, 160, 50, 200]],
    ['bottom-right corner', [250, 160, 300, 200]],
    ['right edge, small', [292, 100, 300, 108]],
    ['left edge', [0, 90, 20, 120]],
    ['bottom edge, flat', [100, 198, 150, 200]],
    ['whole image', [0, 0, 300, 200]],
    ['outside the image', [-30, -20, 330, 240]],
  ] as [string, Detection['box']][])('stays whole inside the image for a box at the %s', (_, box) => {
    const img = solid(300, 200, GREY);
    const d = det(box, 7, 'pottedplant', 0.66);
    const tag = layoutTag(boxRect(box, 300, 200), labelText(d), tagStyle(img), 300, 200);
    const full = layoutTag(boxRect([100, 100, 120, 120], 300, 200), labelText(d), tagStyle(img), 300, 200);
    expect(tag.rect.x0).toBeGreaterThanOrEqual(0);
    expect(tag.rect.y0).toBeGreaterThanOrEqual(0);
    expect(tag.rect.x1).toBeLessThanOrEqual(300);
    expect(tag.rect.y1).toBeLessThanOrEqual(200);
    expect(tag.rect.x1 - tag.rect.x0).toBe(full.rect.x1 - full.rect.x0);
    expect(tag.rect.y1 - tag.rect.y0).toBe(full.rect.y1 - full.rect.y0);
    // The drawn image shows the tag colour at the tag's corners.
    const out = drawDetections(img, [d]);
    const r = tag.rect;
    for (const [x, y] of [
      [r.x0, r.y0],
      [r.x1 - 1, r.y0],
      [r.x0, r.y1 - 1],
      [r.x1 - 1, r.y1 - 1],
    ]) {
      expect(pixel(out, x, y)).toEqual([...classColor(7)]);
    }
  });

  test('text changes pixels inside the tag only, in the contrasting text colour', () => {
    for (const labelId of [1, 2, 5, 12]) {
      const img = solid(240, 160, GREY);
      const d = det([60, 70, 200, 150], labelId, 'person', 0.92);
      const out = drawDetections(img, [d], { lineWidth: 2 });
      // The same drawing without text: outline and a plain tag.
      const color = classColor(labelId);
      const plain = solid(240, 160, GREY);
      const r = boxRect(d.box, 240, 160);
      fillRect(plain, { ...r, y1: r.y0 + 2 }, color);
      fillRect(plain, { ...r, y0: r.y1 - 2 }, color);
      fillRect(plain, { ...r, x1: r.x0 + 2 }, color);
      fillRect(plain, { ...r, x0: r.x1 - 2 }, color);
      const tag = layoutTag(r, labelText(d), tagStyle(img), 240, 160);
      fillRect(plain, tag.rect, color);
      const textPixels = changedPixels(plain, out);
      expect(textPixels.length).toBeGreaterThan(60);
      for (const [x, y] of textPixels) expect(inside(tag.rect, x, y)).toBe(true);
      const textColor = textColorOn(color);
      expect(textPixels.some(([x, y]) => sameColor(pixel(out, x, y), textColor))).toBe(true);
    }
  });

  test('all outlines are drawn before any tag, so a later box does not cross an earlier label', () => {
    const img = solid(200, 160, GREY);
    const first = det([20, 60, 120, 140], 1, 'dog', 0.9);
    const second = det([30, 30, 180, 150], 2, 'person', 0.8);
    const out = drawDetections(img, [first, second], { lineWidth: 2 });
    const tag = layoutTag(boxRect(first.box, 200, 160), labelText(first), tagStyle(img), 200, 160);
    const secondColor = classColor(2);
    for (let y = tag.rect.y0; y < tag.rect.y1; y++) {
      for (let x = tag.rect.x0; x < tag.rect.x1; x++) {
        expect(sameColor(pixel(out, x, y), secondColor)).toBe(false);
      }
    }
  });
});

describe('bad input', () => {
  test('a buffer of the wrong size is rejected, naming the image', () => {
    const img = { data: new Uint8Array(10), width: 4, height: 4, channels: 3 as const };
    expect(() => drawDetections(img, [])).toThrow(/drawDetections image.*48 bytes/);
  });

  test('a non-finite or inverted box is rejected, naming the detection', () => {
    const img = solid(50, 50, GREY);
    expect(() => drawDetections(img, [det([0, 0, 10, 10]), det([0, Number.NaN, 10, 10])])).toThrow(
      /detections\[1\]/,
    );
    expect(() => drawDetections(img, [det([20, 0, 10, 10])])).toThrow(/detections\[0\].*x2 < x1/);
  });
});
