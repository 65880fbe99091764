/** An image's detections as `ssd demo`'s results.json holds them (DESIGN.md's contract), in Node and in pages. */
import type { DetectedObject } from './predictor';

/** One image's entry in results.json: boxes in the image's pixels, `[x1, y1, x2, y2]`. */
export interface ResultEntry {
  image: string;
  width: number;
  height: number;
  detections: { box: [number, number, number, number]; label: string; label_id: number; score: number }[];
}

/** An image's results.json entry. */
export function resultEntry(
  image: string,
  r: { width: number; height: number; objects: readonly DetectedObject[] },
): ResultEntry {
  return {
    image,
    width: r.width,
    height: r.height,
    detections: r.objects.map((o) => ({ box: o.box, label: o.label, label_id: o.labelId, score: o.score })),
  };
}
