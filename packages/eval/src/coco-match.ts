import type { CocoIndex } from './coco-index';
import type { AreaRange } from './coco-params';

/** Outcome codes of a detection at one IoU threshold and area range. */
export const FALSE_POSITIVE = 0;
export const TRUE_POSITIVE = 1;
export const IGNORED = 2;

/** Per-detection outcomes and per-category ground-truth counts that COCO accumulation needs. */
export interface CocoMatches {
  /** Outcome of detection d at area range a and threshold t: `outcome[(a * T + t) * numDets + d]`. */
  outcome: Uint8Array;
  /** Ground truth that must be found (neither crowd nor outside the area range): `[k * A + a]`. */
  numPositives: Int32Array;
}

/** Reusable scratch space, grown on demand, so matching allocates nothing per image. */
class Scratch {
  iou = new Float64Array(64);
  order = new Int32Array(16);
  ignored = new Uint8Array(16);
  taken = new Uint8Array(16);

  fit(numDets: number, numGts: number): void {
    if (this.iou.length < numDets * numGts) this.iou = new Float64Array(numDets * numGts * 2);
    if (this.order.length < numGts) {
      this.order = new Int32Array(numGts * 2);
      this.ignored = new Uint8Array(numGts * 2);
      this.taken = new Uint8Array(numGts * 2);
    }
  }
}

/**
 * Box IoU as COCO computes it from `x, y, w, h`; against a crowd region the union is the detection's
 * own area, so a detection inside a crowd scores high however large the crowd is.
 */
function fillIou(index: CocoIndex, ds: number, de: number, gs: number, ge: number, out: Float64Array): void {
  const { dets, gts } = index;
  const numGts = ge - gs;
  for (let d = ds; d < de; d++) {
    const dx = dets.x[d];
    const dy = dets.y[d];
    const dw = dets.w[d];
    const dh = dets.h[d];
    const detArea = dw * dh;
    const row = (d - ds) * numGts;
    for (let g = gs; g < ge; g++) {
      const gx = gts.x[g];
      const gy = gts.y[g];
      const w = Math.min(dx + dw, gx + gts.w[g]) - Math.max(dx, gx);
      const h = Math.min(dy + dh, gy + gts.h[g]) - Math.max(dy, gy);
      let iou = 0;
      if (w > 0 && h > 0) {
        const inter = w * h;
        iou = inter / (gts.crowd[g] ? detArea : detArea + gts.w[g] * gts.h[g] - inter);
      }
      out[row + g - gs] = iou;
    }
  }
}

/**
 * COCOeval's per-image matching for every (category, image) bucket, area range and IoU threshold:
 * detections in score order take the best-IoU ground truth still free (crowds never get used up),
 * preferring regular ground truth over ignored; a match on ignored ground truth, or no match for a
 * detection outside the area range, is ignored rather than counted.
 */
export function matchDetections(
  index: CocoIndex,
  areaRanges: readonly AreaRange[],
  iouThresholds: readonly number[],
): CocoMatches {
  const { numImages, numCategories, dets, gts } = index;
  const numDets = dets.score.length;
  const numAreas = areaRanges.length;
  const numThresholds = iouThresholds.length;
  const outcome = new Uint8Array(numAreas * numThresholds * numDets);
  const numPositives = new Int32Array(numCategories * numAreas);
  const scratch = new Scratch();

  for (let bucket = 0; bucket < numCategories * numImages; bucket++) {
    const k = Math.floor(bucket / numImages);
    const ds = dets.start[bucket];
    const de = dets.start[bucket + 1];
    const gs = gts.start[bucket];
    const ge = gts.start[bucket + 1];
    const numGts = ge - gs;
    scratch.fit(de - ds, numGts);
    const { iou, order, ignored, taken } = scratch;
    if (de > ds) fillIou(index, ds, de, gs, ge, iou);

    for (let a = 0; a < numAreas; a++) {
      const { min, max } = areaRanges[a];
      // Regular ground truth first, ignored after, each in input order (COCOeval's stable sort).
      let numRegular = 0;
      for (let g = 0; g < numGts; g++) {
        const area = gts.area[gs + g];
        ignored[g] = gts.crowd[gs + g] || area < min || area > max ? 1 : 0;
        if (!ignored[g]) order[numRegular++] = g;
      }
      numPositives[k * numAreas + a] += numRegular;
      if (de === ds) continue;
      for (let g = 0, n = numRegular; g < numGts; g++) if (ignored[g]) order[n++] = g;

      for (let t = 0; t < numThresholds; t++) {
        const base = (a * numThresholds + t) * numDets;
        taken.fill(0, 0, numGts);
        const threshold = Math.min(iouThresholds[t], 1 - 1e-10);
        for (let d = ds; d < de; d++) {
          const row = (d - ds) * numGts;
          let best = threshold;
          let match = -1;
          for (let o = 0; o < numGts; o++) {
            const g = order[o];
            if (taken[g] && !gts.crowd[gs + g]) continue;
            // Once matched to regular ground truth, ignored ones cannot take the detection away.
            if (match > -1 && !ignored[match] && ignored[g]) break;
            if (iou[row + g] < best) continue;
            best = iou[row + g];
            match = g;
          }
          if (match > -1) {
            taken[match] = 1;
            outcome[base + d] = ignored[match] ? IGNORED : TRUE_POSITIVE;
          } else {
            const area = dets.area[d];
            outcome[base + d] = area < min || area > max ? IGNORED : FALSE_POSITIVE;
          }
        }
      }
    }
  }
  return { outcome, numPositives };
}
