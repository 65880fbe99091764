import { type Contour, fillShapes, type PixelRect, type RasterImage, type Rgb } from '@ssd/image';
import { DEJAVU_SANS_BOLD } from './dejavu-sans-bold-glyphs';
import { DEJAVU_SANS } from './dejavu-sans-glyphs';
import { type FontData, type ParsedFont, parseFont } from './font-data';

/** Which embedded face to use: both are DejaVu Sans, so text needs no system fonts. */
export type FontWeight = 'regular' | 'bold';

const FONTS: Record<FontWeight, FontData> = { regular: DEJAVU_SANS, bold: DEJAVU_SANS_BOLD };

/** Text appearance: `size` is the em size in pixels (like CSS font-size). */
export interface TextStyle {
  size: number;
  weight?: FontWeight;
}

/** Horizontal extent and the line's ink extent above and below the baseline, in pixels. */
export interface TextMetrics {
  width: number;
  ascent: number;
  descent: number;
}

/** Largest flattening error of a curve, in pixels. */
const CURVE_TOLERANCE = 0.1;

function fontOf(style: TextStyle): ParsedFont {
  if (!(style.size > 0)) throw new Error(`text size must be positive, got ${style.size}`);
  return parseFont(FONTS[style.weight ?? 'regular']);
}

/** Glyph index for a character; characters the font lacks are drawn as '?'. */
function glyphIndex(font: ParsedFont, ch: string): number {
  const i = (ch.codePointAt(0) ?? 0) - font.data.firstCode;
  return i >= 0 && i < font.data.glyphs.length ? i : '?'.charCodeAt(0) - font.data.firstCode;
}

/** Measures `text` laid out on one line in `style`. */
export function measureText(text: string, style: TextStyle): TextMetrics {
  const font = fontOf(style);
  const scale = style.size / font.data.unitsPerEm;
  let advance = 0;
  for (const ch of text) advance += font.data.glyphs[glyphIndex(font, ch)][0];
  return { width: advance * scale, ascent: font.inkTop * scale, descent: -font.inkBottom * scale };
}

/** Where text sits: (x, y) is the start of the baseline; `vertical: true` turns it to read bottom to top. */
export interface TextPlacement {
  x: number;
  y: number;
  vertical?: boolean;
}

/** Flattens the outlines of `text` into pixel-space contours, one shape per glyph. */
export function textShapes(text: string, style: TextStyle, at: TextPlacement): Contour[][] {
  const font = fontOf(style);
  const scale = style.size / font.data.unitsPerEm;
  // Baseline coordinates (u along the text, v up from the baseline) to image pixels.
  const toPixel = at.vertical
    ? (u: number, v: number, out: number[]) => out.push(at.x - v * scale, at.y - u * scale)
    : (u: number, v: number, out: number[]) => out.push(at.x + u * scale, at.y - v * scale);
  const shapes: Contour[][] = [];
  let pen = 0;
  for (const ch of text) {
    const index = glyphIndex(font, ch);
    const contours: Contour[] = [];
    let current: number[] = [];
    let lastX = 0;
    let lastY = 0;
    for (const step of font.outlines[index]) {
      if (step.op === 'Z') {
        if (current.length >= 6) contours.push(current);
        current = [];
        continue;
      }
      if (step.op === 'M') {
        if (current.length >= 6) contours.push(current);
        current = [];
        toPixel(pen + step.x, step.y, current);
      } else if (step.op === 'L') {
        toPixel(pen + step.x, step.y, current);
      } else {
        // Segments needed so the chord stays within CURVE_TOLERANCE of the quadratic curve.
        const bend = Math.hypot(lastX - 2 * step.cx + step.x, lastY - 2 * step.cy + step.y) * scale;
        const n = Math.min(32, Math.max(1, Math.ceil(Math.sqrt(bend / (8 * CURVE_TOLERANCE)))));
        for (let k = 1; k <= n; k++) {
          const t = k / n;
          const a = (1 - t) * (1 - t);
          const b = 2 * t * (1 - t);
          const c = t * t;
          toPixel(pen + a * lastX + b * step.cx + c * step.x, a * lastY + b * step.cy + c * step.y, current);
        }
      }
      lastX = step.x;
      lastY = step.y;
    }
    if (current.length >= 6) contours.push(current);
    if (contours.length > 0) shapes.push(contours);
    pen += font.data.glyphs[index][0];
  }
  return shapes;
}

/** Draws `text` anti-aliased in `color`, clipped to `clip` (default: the whole image). */
export function drawText(
  image: RasterImage,
  text: string,
  style: TextStyle,
  at: TextPlacement,
  color: Rgb,
  clip: PixelRect = { x0: 0, y0: 0, x1: image.width, y1: image.height },
): void {
  fillShapes(image, textShapes(text, style, at), color, clip);
}
