/** IoU thresholds 0.50:0.05:0.95, with the exact float values of numpy's linspace (they are compared exactly). */
export const IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) =>
  i === 9 ? 0.95 : 0.5 + i * ((0.95 - 0.5) / 9),
);

/** Recall levels 0:0.01:1 at which interpolated precision is sampled (101-point AP). */
export const RECALL_THRESHOLDS: readonly number[] = Array.from({ length: 101 }, (_, i) =>
  i === 100 ? 1 : i * 0.01,
);

/** Name and inclusive [min, max] object-area bounds of each COCO area range, in pixels². */
export interface AreaRange {
  name: 'all' | 'small' | 'medium' | 'large';
  min: number;
  max: number;
}

/** The COCO area ranges: all, small (< 32²), medium (32²..96²), large (> 96²). */
export const AREA_RANGES: readonly AreaRange[] = [
  { name: 'all', min: 0, max: 1e10 },
  { name: 'small', min: 0, max: 32 ** 2 },
  { name: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { name: 'large', min: 96 ** 2, max: 1e10 },
];

/** Detections per image considered, ascending; the last also caps what is matched at all. */
export const MAX_DETS: readonly number[] = [1, 10, 100];
