/** `ssd demo`'s results.json entries, written by the single-process demo and its distributed coordinator. */
import type { DetectedObject } from '@ssd/engine';

/** One image's entry in results.json (the DESIGN.md contract). */
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
