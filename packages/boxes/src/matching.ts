import { checkBoxes } from './box-forms';
import { iouMatrix } from './iou';

/** Per-prior ground truth: the matched box (corner form, `numPriors × 4`) and its label (0 = background). */
export interface PriorAssignment {
  boxes: Float32Array;
  labels: Int32Array;
}

/**
 * Matches ground truth to priors like the reference's `assign_priors`: each prior takes its best-IoU
 * target, each target claims its best-IoU prior (later targets win a shared prior), and priors whose
 * IoU is below `iouThreshold` become background. With no targets every prior is background.
 */
export function assignPriors(
  gtBoxesCorner: Float32Array,
  gtLabels: Int32Array,
  priorsCorner: Float32Array,
  iouThreshold: number,
): PriorAssignment {
  checkBoxes(gtBoxesCorner, 'assignPriors gtBoxesCorner');
  checkBoxes(priorsCorner, 'assignPriors priorsCorner');
  const numTargets = gtLabels.length;
  if (gtBoxesCorner.length !== numTargets * 4) {
    throw new Error(
      `assignPriors: gtBoxesCorner has ${gtBoxesCorner.length / 4} boxes but gtLabels has ${numTargets} labels`,
    );
  }
  const numPriors = priorsCorner.length / 4;
  const boxes = new Float32Array(numPriors * 4);
  const labels = new Int32Array(numPriors);
  if (numTargets === 0) return { boxes, labels };

  const ious = iouMatrix(gtBoxesCorner, priorsCorner); // numTargets × numPriors
  const bestTarget = new Int32Array(numPriors);
  const bestTargetIou = new Float32Array(numPriors);
  for (let p = 0; p < numPriors; p++) {
    // Strict comparisons keep the first maximum, as torch's max(dim) does on ties.
    let best = 0;
    for (let t = 1; t < numTargets; t++) {
      if (ious[t * numPriors + p] > ious[best * numPriors + p]) best = t;
    }
    bestTarget[p] = best;
    bestTargetIou[p] = ious[best * numPriors + p];
  }
  for (let t = 0; t < numTargets; t++) {
    const row = t * numPriors;
    let best = 0;
    for (let p = 1; p < numPriors; p++) {
      if (ious[row + p] > ious[row + best]) best = p;
    }
    bestTarget[best] = t;
    // Any value above every threshold: the prior must stay assigned to this target.
    bestTargetIou[best] = 2;
  }
  for (let p = 0; p < numPriors; p++) {
    const t = bestTarget[p];
    labels[p] = bestTargetIou[p] < iouThreshold ? 0 : gtLabels[t];
    boxes.set(gtBoxesCorner.subarray(4 * t, 4 * t + 4), 4 * p);
  }
  return { boxes, labels };
}
