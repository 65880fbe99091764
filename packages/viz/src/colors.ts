import { hsvToRgb, type Rgb } from '@ssd/image';

/** Converts hue (degrees), saturation and value (0..1) to an sRGB colour. */
function hsvColor(hue: number, s: number, v: number): Rgb {
  const [r, g, b] = hsvToRgb(hue, s, v);
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** sRGB component (0..255) to linear light (0..1). */
function toLinear(c: number): number {
  const x = c / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
}

/** CIELAB (D65) coordinates of an sRGB colour: Euclidean distance there tracks perceived difference. */
function toLab(color: Rgb): [number, number, number] {
  const [r, g, b] = color.map(toLinear);
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ];
  const [fx, fy, fz] = xyz.map((t) => (t > 216 / 24389 ? Math.cbrt(t) : ((t * 24389) / 27 + 16) / 116));
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** How many class ids get their own colour; ids beyond wrap around. */
const PALETTE_SIZE = 256;

/**
 * Builds the class palette once: from saturated, not-too-dark HSV candidates, repeatedly take the one
 * farthest (in CIELAB) from all taken so far, so low ids get the most distinct colours.
 */
function buildPalette(): Rgb[] {
  const candidates: Rgb[] = [];
  for (let hue = 0; hue < 360; hue += 5) {
    for (const s of [1, 0.75, 0.5]) {
      for (const v of [1, 0.8, 0.6]) candidates.push(hsvColor(hue, s, v));
    }
  }
  const labs = candidates.map(toLab);
  const nearest = labs.map(() => Number.POSITIVE_INFINITY);
  const palette: Rgb[] = [];
  let pick = 0;
  while (palette.length < PALETTE_SIZE) {
    palette.push(candidates[pick]);
    const [l, a, b] = labs[pick];
    let best = 0;
    labs.forEach((lab, i) => {
      nearest[i] = Math.min(nearest[i], Math.hypot(lab[0] - l, lab[1] - a, lab[2] - b));
      if (nearest[i] > nearest[best]) best = i;
    });
    pick = best;
  }
  return palette;
}

let palette: Rgb[] | undefined;

/** A stable, distinct colour for a class id (id 0, the background, gets one too). */
export function classColor(labelId: number): Rgb {
  if (!Number.isInteger(labelId) || labelId < 0) {
    throw new Error(`classColor: labelId must be a non-negative integer, got ${labelId}`);
  }
  palette ??= buildPalette();
  return palette[labelId % PALETTE_SIZE];
}

/** WCAG relative luminance (0 black .. 1 white) of an sRGB colour. */
export function relativeLuminance(color: Rgb): number {
  const [r, g, b] = color.map(toLinear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio (1..21) between two colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];

/** Black or white, whichever contrasts more with `background` (luminance above ~0.18 takes black). */
export function textColorOn(background: Rgb): Rgb {
  return contrastRatio(background, BLACK) >= contrastRatio(background, WHITE) ? BLACK : WHITE;
}
