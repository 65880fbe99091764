/** A flat, row-major list of numbers (plain array or typed array, e.g. a tensor's `dataSync()`). */
export type NumberList = ArrayLike<number>;

/** A flat list of 0/1 (or boolean) flags, one per box. */
export type FlagList = ArrayLike<number | boolean>;

/** Ground truth of one image: `n` boxes in pixels, `[x1, y1, x2, y2]` each, flattened to length 4n. */
export interface ImageGroundTruth {
  /** Image id, used for ordering (COCO) and in the COCO results JSON; defaults to the list index. */
  imageId?: number | string;
  /** Boxes `[x1, y1, x2, y2]` in pixels, flattened (length 4n). */
  boxes: NumberList;
  /** Contiguous class ids in `1 .. classNames.length - 1` (0 is background and not allowed). */
  labels: NumberList;
  /** VOC: boxes marked difficult are neither required nor penalised. Default: none difficult. */
  difficult?: FlagList;
  /** COCO: crowd regions; detections on them are ignored. Default: none crowd. */
  iscrowd?: FlagList;
  /** COCO: object areas for the small/medium/large split. Default: the box area `w * h`. */
  area?: NumberList;
}

/** Detections of one image: `n` boxes in pixels, `[x1, y1, x2, y2]` each, flattened to length 4n. */
export interface ImagePredictions {
  /** Boxes `[x1, y1, x2, y2]` in pixels, flattened (length 4n). */
  boxes: NumberList;
  /** Contiguous class ids in `1 .. classNames.length - 1`. */
  labels: NumberList;
  /** Confidence per box; higher ranks first. */
  scores: NumberList;
}

/** Metric name to value; `null` where a metric is undefined (e.g. a class with no ground truth). */
export type Metrics = Record<string, number | null>;

/** What an evaluation hands back: the metrics (as written to metrics.json) and a printable table. */
export interface EvaluationResult {
  metrics: Metrics;
  table: string;
}
