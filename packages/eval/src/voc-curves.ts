import { boxIou } from '@ssd/boxes';
import type { ImageGroundTruth, ImagePredictions, NumberList } from './types';

/** Ranked precision/recall of one class; precision is NaN where nothing but difficult matches was seen yet. */
export interface PrecisionRecallCurve {
  precision: Float64Array;
  recall: Float64Array;
}

/** Per-class VOC curves, indexed by class id; `null` where the class has no non-difficult ground truth. */
export interface VocCurves {
  numPositives: Int32Array;
  curves: (PrecisionRecallCurve | null)[];
}

/** Detection outcome codes, as the VOC devkit ranks them. */
const FALSE_POSITIVE = 0;
const TRUE_POSITIVE = 1;
const DIFFICULT = -1;

/**
 * IoU in the VOC devkit convention: coordinates are inclusive pixel indices, so width is `x2 + 1 - x1`.
 * a and b are flat box lists, ia / ib box indices.
 */
function vocIou(a: NumberList, ia: number, b: NumberList, ib: number): number {
  const i = 4 * ia;
  const j = 4 * ib;
  return boxIou(a[i], a[i + 1], a[i + 2] + 1, a[i + 3] + 1, b[j], b[j + 1], b[j + 2] + 1, b[j + 3] + 1);
}

/**
 * Index order by score, highest first. Ties put the later index first: the reference ranks with an
 * ascending argsort reversed, and that is what its (stable, small-array) sort gives.
 */
function byScoreDescending(scores: NumberList): (i: number, j: number) => number {
  return (i, j) => scores[j] - scores[i] || j - i;
}

/**
 * Ranks every detection per class and labels it true positive, false positive or difficult, the way
 * the VOC devkit does: each detection goes to its highest-IoU ground truth of the class in its image
 * (first one on ties); below `iouThreshold` it is a miss; a second hit on the same ground truth is a
 * false positive; a hit on a difficult ground truth counts as neither.
 */
export function computeVocCurves(
  numClasses: number,
  groundTruth: readonly ImageGroundTruth[],
  predictions: readonly ImagePredictions[],
  iouThreshold: number,
): VocCurves {
  const numPositives = new Int32Array(numClasses);
  // Per-class slices of one flat buffer, filled in image order (each image's detections by score).
  const classStart = new Int32Array(numClasses + 1);
  for (const pred of predictions) {
    for (let i = 0; i < pred.labels.length; i++) classStart[pred.labels[i] + 1]++;
  }
  for (let c = 0; c < numClasses; c++) classStart[c + 1] += classStart[c];
  const fill = Int32Array.from(classStart.subarray(0, numClasses));
  const scores = new Float64Array(classStart[numClasses]);
  const outcomes = new Int8Array(classStart[numClasses]);

  const predOrder: number[] = [];
  const gtOrder: number[] = [];
  let claimed = new Uint8Array(16);
  groundTruth.forEach((gt, image) => {
    const pred = predictions[image];
    const rankInImage = byScoreDescending(pred.scores);
    predOrder.length = 0;
    for (let i = 0; i < pred.labels.length; i++) predOrder.push(i);
    predOrder.sort((i, j) => pred.labels[i] - pred.labels[j] || rankInImage(i, j));
    gtOrder.length = 0;
    for (let g = 0; g < gt.labels.length; g++) {
      gtOrder.push(g);
      if (!gt.difficult?.[g]) numPositives[gt.labels[g]]++;
    }
    gtOrder.sort((g, h) => gt.labels[g] - gt.labels[h] || g - h);
    if (claimed.length < gtOrder.length) claimed = new Uint8Array(gtOrder.length);

    let gtBegin = 0;
    for (let p = 0; p < predOrder.length; ) {
      const label = pred.labels[predOrder[p]];
      while (gtBegin < gtOrder.length && gt.labels[gtOrder[gtBegin]] < label) gtBegin++;
      let gtEnd = gtBegin;
      while (gtEnd < gtOrder.length && gt.labels[gtOrder[gtEnd]] === label) gtEnd++;
      claimed.fill(0, gtBegin, gtEnd);
      for (; p < predOrder.length && pred.labels[predOrder[p]] === label; p++) {
        const det = predOrder[p];
        let best = -1;
        let bestIou = Number.NEGATIVE_INFINITY;
        for (let k = gtBegin; k < gtEnd; k++) {
          const iou = vocIou(pred.boxes, det, gt.boxes, gtOrder[k]);
          if (iou > bestIou) {
            bestIou = iou;
            best = k;
          }
        }
        let outcome = FALSE_POSITIVE;
        if (best >= 0 && bestIou >= iouThreshold) {
          if (gt.difficult?.[gtOrder[best]]) outcome = DIFFICULT;
          else if (!claimed[best]) outcome = TRUE_POSITIVE;
          claimed[best] = 1;
        }
        const slot = fill[label]++;
        scores[slot] = pred.scores[det];
        outcomes[slot] = outcome;
      }
    }
  });

  const curves: (PrecisionRecallCurve | null)[] = [];
  for (let c = 0; c < numClasses; c++) {
    curves.push(
      numPositives[c] > 0
        ? rankedCurve(
            scores.subarray(classStart[c], classStart[c + 1]),
            outcomes,
            classStart[c],
            numPositives[c],
          )
        : null,
    );
  }
  return { numPositives, curves };
}

/** Precision and recall after each detection of one class, ranked over all images by score. */
function rankedCurve(
  scores: Float64Array,
  outcomes: Int8Array,
  offset: number,
  numPositives: number,
): PrecisionRecallCurve {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(byScoreDescending(scores));
  const precision = new Float64Array(n);
  const recall = new Float64Array(n);
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const outcome = outcomes[offset + order[r]];
    if (outcome === TRUE_POSITIVE) tp++;
    else if (outcome === FALSE_POSITIVE) fp++;
    precision[r] = tp / (tp + fp);
    recall[r] = tp / numPositives;
  }
  return { precision, recall };
}
