import { classColor, contrastRatio, relativeLuminance, textColorOn } from '../src/colors';

describe('class colours', () => {
  test('are stable across calls and fixed for given ids', () => {
    expect(classColor(15)).toEqual(classColor(15));
    // Pinned so that pictures from different runs and versions colour a class the same way.
    expect(classColor(1)).toEqual([0, 0, 255]);
    expect(classColor(2)).toEqual([0, 255, 0]);
  });

  test('ids 1..80 get 80 clearly different colours', () => {
    const colors = Array.from({ length: 80 }, (_, i) => classColor(i + 1));
    let minDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < colors.length; i++) {
      for (let j = i + 1; j < colors.length; j++) {
        const [a, b] = [colors[i], colors[j]];
        minDistance = Math.min(minDistance, Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
      }
    }
    expect(minDistance).toBeGreaterThan(25);
  });

  test('reject ids that are not non-negative integers', () => {
    expect(() => classColor(-1)).toThrow(/labelId/);
    expect(() => classColor(1.5)).toThrow(/labelId/);
  });
});

describe('text colour rule', () => {
  test('relative luminance matches the WCAG definition', () => {
    expect(relativeLuminance([255, 255, 255])).toBeCloseTo(1, 6);
    expect(relativeLuminance([0, 0, 0])).toBe(0);
    // sRGB 128 is linear ((128/255 + 0.055) / 1.055)^2.4 = 0.21586.
    expect(relativeLuminance([128, 128, 128])).toBeCloseTo(0.21586, 4);
    expect(relativeLuminance([0, 255, 0])).toBeCloseTo(0.7152, 4);
  });

  test('black on light tags, white on dark ones, switching where both contrasts are equal', () => {
    expect(textColorOn([255, 255, 0])).toEqual([0, 0, 0]);
    expect(textColorOn([0, 0, 128])).toEqual([255, 255, 255]);
    // Equal contrast at luminance sqrt(1.05 * 0.05) - 0.05 = 0.1791: grey 118 is 0.1812, grey 117 is 0.1779.
    expect(textColorOn([118, 118, 118])).toEqual([0, 0, 0]);
    expect(textColorOn([117, 117, 117])).toEqual([255, 255, 255]);
  });

  test('every class colour gets the text colour with the higher contrast, at least 4.5:1', () => {
    for (let id = 0; id <= 80; id++) {
      const bg = classColor(id);
      const text = textColorOn(bg);
      const other = text[0] === 0 ? ([255, 255, 255] as const) : ([0, 0, 0] as const);
      expect(contrastRatio(bg, text)).toBeGreaterThanOrEqual(contrastRatio(bg, other));
      expect(contrastRatio(bg, text)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
