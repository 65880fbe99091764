import { checkImage, fillRect, type PixelRect, type RasterImage, type Rgb } from '@ssd/image';
import { classColor, textColorOn } from './colors';
import { drawText, measureText, type TextStyle } from './font/text';

/** One detected object: box corners in pixels of the drawn image, class name and id, confidence. */
export interface Detection {
  box: [number, number, number, number];
  label: string;
  labelId: number;
  score: number;
}

/** Overrides for the drawing defaults, which scale with the image. */
export interface DrawOptions {
  /** Box outline thickness in pixels (default: scaled with the image, see defaultLineWidth). */
  lineWidth?: number;
  /** Label em size in pixels (default: scaled with the image, see defaultFontSize). */
  fontSize?: number;
  /** Decimals shown for the score (default 2). */
  scoreDigits?: number;
  /** Colour per class id (default: classColor). */
  colorOf?: (labelId: number) => Rgb;
}

/** Label text size for an image: 1/40 of its shorter side, never below 12 px. */
export function defaultFontSize(width: number, height: number): number {
  return Math.max(12, Math.min(width, height) / 40);
}

/** Box outline thickness for an image: about 1/250 of its shorter side, at least 2 px. */
export function defaultLineWidth(width: number, height: number): number {
  return Math.max(2, Math.round(Math.min(width, height) / 250));
}

/** The integer pixel rectangle a detection box covers, clipped to the image. */
export function boxRect(box: Detection['box'], width: number, height: number): PixelRect {
  const clampTo = (v: number, hi: number) => Math.min(hi, Math.max(0, Math.round(v)));
  return {
    x0: clampTo(box[0], width),
    y0: clampTo(box[1], height),
    x1: clampTo(box[2], width),
    y1: clampTo(box[3], height),
  };
}

/** Where a label tag goes and where its text baseline starts. */
export interface TagLayout {
  rect: PixelRect;
  textX: number;
  baseline: number;
}

/**
 * Places a label tag for box `box` (already clipped): on top of the box when there is room above it,
 * otherwise just inside its top edge; shifted left at the right image edge and kept inside the image.
 */
export function layoutTag(
  box: PixelRect,
  text: string,
  style: TextStyle,
  width: number,
  height: number,
): TagLayout {
  const m = measureText(text, style);
  const padX = Math.max(2, Math.round(style.size * 0.3));
  const padY = Math.max(1, Math.round(style.size * 0.15));
  const tagW = Math.ceil(m.width) + 2 * padX;
  const tagH = Math.ceil(m.ascent + m.descent) + 2 * padY;
  const top = box.y0 - tagH >= 0 ? box.y0 - tagH : box.y0;
  const y0 = Math.max(0, Math.min(top, height - tagH));
  const x0 = Math.max(0, Math.min(box.x0, width - tagW));
  const rect = { x0, y0, x1: Math.min(width, x0 + tagW), y1: Math.min(height, y0 + tagH) };
  return { rect, textX: x0 + padX, baseline: y0 + padY + m.ascent };
}

/** The tag text for a detection, e.g. `person: 0.92`. */
export function labelText(detection: Detection, scoreDigits = 2): string {
  return `${detection.label}: ${detection.score.toFixed(scoreDigits)}`;
}

function checkDetection(d: Detection, index: number): void {
  const [x1, y1, x2, y2] = d.box ?? [];
  if (![x1, y1, x2, y2, d.score].every(Number.isFinite)) {
    throw new Error(
      `detections[${index}]: box and score must be finite numbers, got box ${d.box} score ${d.score}`,
    );
  }
  if (x2 < x1 || y2 < y1) throw new Error(`detections[${index}]: box [${d.box}] has x2 < x1 or y2 < y1`);
}

/**
 * Returns a copy of `image` with each detection's box outlined in its class colour and a filled tag
 * holding `label: score`; all outlines are drawn before the tags so no outline crosses a label.
 */
export function drawDetections(
  image: RasterImage,
  detections: readonly Detection[],
  options: DrawOptions = {},
): RasterImage {
  checkImage(image, 'drawDetections image');
  detections.forEach(checkDetection);
  const { width, height } = image;
  const out: RasterImage = { ...image, data: new Uint8Array(image.data) };
  const colorOf = options.colorOf ?? classColor;
  const t = Math.max(1, Math.round(options.lineWidth ?? defaultLineWidth(width, height)));
  const style: TextStyle = { size: options.fontSize ?? defaultFontSize(width, height), weight: 'bold' };
  const rects = detections.map((d) => boxRect(d.box, width, height));
  rects.forEach((r, i) => {
    // The outline grows inward from the box edges so it stays whole for boxes touching the image border.
    const color = colorOf(detections[i].labelId);
    fillRect(out, { ...r, y1: Math.min(r.y1, r.y0 + t) }, color);
    fillRect(out, { ...r, y0: Math.max(r.y0, r.y1 - t) }, color);
    fillRect(out, { ...r, x1: Math.min(r.x1, r.x0 + t) }, color);
    fillRect(out, { ...r, x0: Math.max(r.x0, r.x1 - t) }, color);
  });
  rects.forEach((r, i) => {
    const color = colorOf(detections[i].labelId);
    const text = labelText(detections[i], options.scoreDigits);
    const tag = layoutTag(r, text, style, width, height);
    fillRect(out, tag.rect, color);
    drawText(out, text, style, { x: tag.textX, y: tag.baseline }, textColorOn(color), tag.rect);
  });
  return out;
}
