import { checkBoxes } from './box-forms';
import { boxIou } from './iou';

/** IoU without the matching eps, as torchvision's NMS computes it (NaN for two empty boxes). */
function nmsIou(boxes: Float32Array, i: number, j: number): number {
  const a = 4 * i;
  const b = 4 * j;
  return boxIou(
    boxes[a],
    boxes[a + 1],
    boxes[a + 2],
    boxes[a + 3],
    boxes[b],
    boxes[b + 1],
    boxes[b + 2],
    boxes[b + 3],
  );
}

/** A negative or missing limit means unlimited (like TEST.MAX_PER_CLASS = -1). */
function limitOf(limit: number | undefined): number {
  return limit === undefined || limit < 0 ? Number.POSITIVE_INFINITY : limit;
}

/**
 * Greedy per-class NMS visiting every candidate in one global score order (ties by index, like
 * torchvision's stable sort). Classes never interact, so this keeps exactly what per-class NMS keeps,
 * already merged in descending score, and it can stop as soon as `maxTotal` boxes are kept.
 */
function greedyPerClass(
  boxes: Float32Array,
  scores: Float32Array,
  classIds: Int32Array | null,
  iouThreshold: number,
  maxPerClass: number,
  maxTotal: number,
): Int32Array {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  // Members of each class in score order, and each candidate's position within its class.
  const members = new Map<number, number[]>();
  const position = new Int32Array(n);
  for (const i of order) {
    const c = classIds ? classIds[i] : 0;
    let list = members.get(c);
    if (!list) {
      list = [];
      members.set(c, list);
    }
    position[i] = list.length;
    list.push(i);
  }
  const keptPerClass = new Map<number, number>();
  const suppressed = new Uint8Array(n);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxTotal) break;
    if (suppressed[i]) continue;
    const c = classIds ? classIds[i] : 0;
    const count = keptPerClass.get(c) ?? 0;
    if (count >= maxPerClass) continue;
    keptPerClass.set(c, count + 1);
    kept.push(i);
    const list = members.get(c)!;
    for (let k = position[i] + 1; k < list.length; k++) {
      const j = list[k];
      // `>`: a box whose IoU equals the threshold survives, and a NaN IoU never suppresses.
      if (!suppressed[j] && nmsIou(boxes, i, j) > iouThreshold) suppressed[j] = 1;
    }
  }
  return Int32Array.from(kept);
}

function checkNmsInputs(boxes: Float32Array, scores: Float32Array, fn: string): void {
  checkBoxes(boxes, `${fn} boxes`);
  if (boxes.length !== scores.length * 4) {
    throw new Error(`${fn}: ${boxes.length / 4} boxes but ${scores.length} scores`);
  }
}

/**
 * Greedy non-maximum suppression of corner-form boxes (`n × 4`): indices of the kept boxes, highest
 * score first; a box is dropped when its IoU with a kept box exceeds `iouThreshold`.
 */
export function nms(
  boxes: Float32Array,
  scores: Float32Array,
  iouThreshold: number,
  maxOutput?: number,
): Int32Array {
  checkNmsInputs(boxes, scores, 'nms');
  return greedyPerClass(boxes, scores, null, iouThreshold, Number.POSITIVE_INFINITY, limitOf(maxOutput));
}

/**
 * NMS within each class only (the reference's `batched_nms`): kept indices, highest score first.
 * `maxPerClass` caps the boxes kept per class and `maxTotal` the whole result (negative = no cap).
 */
export function batchedNms(
  boxes: Float32Array,
  scores: Float32Array,
  classIds: Int32Array,
  iouThreshold: number,
  maxPerClass?: number,
  maxTotal?: number,
): Int32Array {
  checkNmsInputs(boxes, scores, 'batchedNms');
  if (classIds.length !== scores.length) {
    throw new Error(`batchedNms: ${classIds.length} classIds but ${scores.length} scores`);
  }
  return greedyPerClass(boxes, scores, classIds, iouThreshold, limitOf(maxPerClass), limitOf(maxTotal));
}
