import { DEJAVU_SANS_BOLD } from '../src/font/dejavu-sans-bold-glyphs';
import { DEJAVU_SANS } from '../src/font/dejavu-sans-glyphs';
import { parseFont } from '../src/font/font-data';
import { drawText, measureText } from '../src/font/text';
import { changedPixels, pixel, solid } from './helpers';

describe('embedded fonts', () => {
  test('cover printable ASCII with parseable outlines', () => {
    for (const data of [DEJAVU_SANS, DEJAVU_SANS_BOLD]) {
      expect(data.glyphs).toHaveLength(126 - 32 + 1);
      const font = parseFont(data);
      expect(font.outlines[0]).toHaveLength(0); // space
      expect(font.outlines['A'.charCodeAt(0) - 32].length).toBeGreaterThan(3);
      expect(font.inkTop).toBeGreaterThan(data.capHeight);
      expect(font.inkBottom).toBeLessThan(0);
    }
  });
});

describe('text', () => {
  test('width scales with size and adds up per character', () => {
    const a = measureText('person: 0.92', { size: 12 });
    const b = measureText('person: 0.92', { size: 24 });
    expect(b.width).toBeCloseTo(2 * a.width, 6);
    expect(measureText('ab', { size: 20 }).width).toBeCloseTo(
      measureText('a', { size: 20 }).width + measureText('b', { size: 20 }).width,
      6,
    );
    expect(measureText('iii', { size: 20, weight: 'bold' }).width).toBeLessThan(
      measureText('WWW', { size: 20, weight: 'bold' }).width,
    );
  });

  test('a capital H drawn at 100 px has its cap height in ink and full-colour stems', () => {
    const img = solid(120, 120, [255, 255, 255]);
    drawText(img, 'H', { size: 100 }, { x: 10, y: 100 }, [0, 0, 0]);
    const rows = changedPixels(solid(120, 120, [255, 255, 255]), img).map(([, y]) => y);
    const inkHeight = Math.max(...rows) - Math.min(...rows) + 1;
    const capHeight = (DEJAVU_SANS.capHeight / DEJAVU_SANS.unitsPerEm) * 100;
    expect(Math.abs(inkHeight - capHeight)).toBeLessThanOrEqual(1.5);
    expect(Math.max(...rows)).toBe(99); // sits on the baseline
    // The left stem of H starts at x = 10 + 201/2048 em; its middle is solid ink.
    expect(pixel(img, 10 + Math.round((201 / 2048) * 100) + 4, 60)).toEqual([0, 0, 0]);
    // Between the stems above the crossbar there is no ink.
    expect(pixel(img, 10 + 36, 40)).toEqual([255, 255, 255]);
  });

  test('characters outside the font draw as a question mark', () => {
    const a = solid(60, 40, [255, 255, 255]);
    const b = solid(60, 40, [255, 255, 255]);
    drawText(a, 'é', { size: 24 }, { x: 5, y: 30 }, [0, 0, 0]);
    drawText(b, '?', { size: 24 }, { x: 5, y: 30 }, [0, 0, 0]);
    expect(changedPixels(a, b)).toHaveLength(0);
    expect(changedPixels(a, solid(60, 40, [255, 255, 255])).length).toBeGreaterThan(20);
  });

  test('vertical text reads bottom to top: a wide word becomes tall', () => {
    const img = solid(60, 200, [255, 255, 255]);
    drawText(img, 'iteration', { size: 16 }, { x: 30, y: 180, vertical: true }, [0, 0, 0]);
    const ink = changedPixels(solid(60, 200, [255, 255, 255]), img);
    const ys = ink.map(([, y]) => y);
    const xs = ink.map(([x]) => x);
    expect(Math.max(...ys)).toBeLessThanOrEqual(180);
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(50);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(20);
  });

  test('a non-positive size is rejected', () => {
    expect(() => measureText('x', { size: 0 })).toThrow(/size/);
  });
});
