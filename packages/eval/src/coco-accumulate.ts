import type { CocoIndex } from './coco-index';
import type { CocoMatches } from './coco-match';
import { FALSE_POSITIVE, TRUE_POSITIVE } from './coco-match';

/** Sizes of the accumulated arrays: thresholds T, recall levels R, categories K, area ranges A, maxDets M. */
export interface CocoDims {
  T: number;
  R: number;
  K: number;
  A: number;
  M: number;
}

/** COCOeval's accumulated curves; -1 marks settings with no ground truth to find. */
export interface CocoCurves {
  dims: CocoDims;
  /** Interpolated precision at each recall level: `precision[(((t * R + r) * K + k) * A + a) * M + m]`. */
  precision: Float64Array;
  /** Final recall: `recall[((t * K + k) * A + a) * M + m]`. */
  recall: Float64Array;
}

/** Float64 machine epsilon, the term COCOeval adds to the precision denominator. */
const EPSILON = 2 ** -52;

/**
 * Per category, area range, maxDets and IoU threshold: ranks the category's detections over all
 * images by score (ties in image order, then rank in image), walks them to precision and recall,
 * makes precision non-increasing, and samples it at each recall level (0 past the reached recall).
 * Ignored detections are skipped: they repeat the previous point and so change no sampled value.
 */
export function accumulateCurves(
  index: CocoIndex,
  matches: CocoMatches,
  numThresholds: number,
  recallThresholds: readonly number[],
  maxDets: readonly number[],
  numAreas: number,
): CocoCurves {
  const { numImages, numCategories: K, dets } = index;
  const dims: CocoDims = { T: numThresholds, R: recallThresholds.length, K, A: numAreas, M: maxDets.length };
  const { T, R, A, M } = dims;
  const numDets = dets.score.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const { score, rank } = dets;
  let order = new Int32Array(0);
  let curvePrecision = new Float64Array(0);
  let curveRecall = new Float64Array(0);

  for (let k = 0; k < K; k++) {
    const first = dets.start[k * numImages];
    const last = dets.start[(k + 1) * numImages];
    const n = last - first;
    if (order.length < n) {
      order = new Int32Array(n);
      curvePrecision = new Float64Array(n);
      curveRecall = new Float64Array(n);
    }
    const ranked = order.subarray(0, n);
    for (let i = 0; i < n; i++) ranked[i] = first + i;
    // Detections sit in image order already, so a stable sort by score is COCOeval's mergesort.
    ranked.sort((p, q) => score[q] - score[p] || p - q);

    for (let a = 0; a < A; a++) {
      const numPositives = matches.numPositives[k * A + a];
      if (numPositives === 0) continue;
      for (let m = 0; m < M; m++) {
        const maxDet = maxDets[m];
        for (let t = 0; t < T; t++) {
          const outcome = matches.outcome.subarray((a * T + t) * numDets);
          let tp = 0;
          let fp = 0;
          let length = 0;
          for (let i = 0; i < n; i++) {
            const d = ranked[i];
            if (rank[d] >= maxDet) continue;
            const o = outcome[d];
            if (o === TRUE_POSITIVE) tp++;
            else if (o === FALSE_POSITIVE) fp++;
            else continue;
            curveRecall[length] = tp / numPositives;
            curvePrecision[length] = tp / (fp + tp + EPSILON);
            length++;
          }
          recall[((t * K + k) * A + a) * M + m] = length > 0 ? curveRecall[length - 1] : 0;
          for (let i = length - 1; i > 0; i--) {
            if (curvePrecision[i] > curvePrecision[i - 1]) curvePrecision[i - 1] = curvePrecision[i];
          }
          // First point reaching each recall level (recall and levels both ascend); none left → 0.
          let point = 0;
          for (let r = 0; r < R; r++) {
            while (point < length && curveRecall[point] < recallThresholds[r]) point++;
            precision[(((t * R + r) * K + k) * A + a) * M + m] = point < length ? curvePrecision[point] : 0;
          }
        }
      }
    }
  }
  return { dims, precision, recall };
}
