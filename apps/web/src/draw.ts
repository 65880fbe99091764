/** Drawing an image (or a video frame) and its detections onto the page's canvas. */
import type { DetectedObject } from '@ssd/engine';

const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'];

/** Draws `source` scaled to fit the canvas, then each object's box and label; boxes are in `source`'s pixels. */
export function drawDetections(
  canvas: HTMLCanvasElement,
  source: CanvasImageSource,
  width: number,
  height: number,
  objects: readonly DetectedObject[],
): void {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  if (!context) return;
  context.drawImage(source, 0, 0, width, height);
  context.lineWidth = Math.max(2, Math.round(width / 300));
  context.font = `${Math.max(12, Math.round(width / 45))}px system-ui, sans-serif`;
  context.textBaseline = 'top';
  for (const o of objects) {
    const [x1, y1, x2, y2] = o.box;
    const color = COLORS[o.labelId % COLORS.length]!;
    context.strokeStyle = color;
    context.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const text = `${o.label} ${o.score.toFixed(2)}`;
    const w = context.measureText(text).width + 6;
    const h = Number.parseInt(context.font, 10) + 4;
    context.fillStyle = color;
    context.fillRect(x1, Math.max(0, y1 - h), w, h);
    context.fillStyle = '#fff';
    context.fillText(text, x1 + 3, Math.max(0, y1 - h) + 2);
  }
}
