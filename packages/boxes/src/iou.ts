import { checkBoxes } from './box-forms';

// Every step is rounded to float32 the way the reference's float32 tensor ops round it, so IoU values
// near a matching threshold fall on the same side as in the reference. Module-level aliases keep the
// hot loop off global `Math` lookups, which are slow in sandboxed contexts such as jest's.
const { fround: f32, max, min } = Math;

/** Small term in the IoU denominator, as in the reference, so empty boxes give 0 instead of NaN. */
export const IOU_EPS = 1e-5;
const EPS_F32 = f32(IOU_EPS);

function clampedArea(x1: number, y1: number, x2: number, y2: number): number {
  return f32(max(f32(x2 - x1), 0) * max(f32(y2 - y1), 0));
}

/** IoU of row `i` of corner boxes `a` with row `j` of corner boxes `b` (float32 arithmetic). */
export function iouAt(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const ai = 4 * i;
  const bj = 4 * j;
  const overlap = clampedArea(
    max(a[ai], b[bj]),
    max(a[ai + 1], b[bj + 1]),
    min(a[ai + 2], b[bj + 2]),
    min(a[ai + 3], b[bj + 3]),
  );
  const areaA = clampedArea(a[ai], a[ai + 1], a[ai + 2], a[ai + 3]);
  const areaB = clampedArea(b[bj], b[bj + 1], b[bj + 2], b[bj + 3]);
  return f32(overlap / f32(f32(f32(areaA + areaB) - overlap) + EPS_F32));
}

/**
 * IoU of corner boxes (ax1, ay1, ax2, ay2) and (bx1, by1, bx2, by2) in plain float64, no eps: what
 * torchvision's NMS, the random crop and the VOC devkit (given x2 + 1, y2 + 1) compute. NaN for two empty boxes.
 */
export function boxIou(
  ax1: number,
  ay1: number,
  ax2: number,
  ay2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
): number {
  const inter = max(0, min(ax2, bx2) - max(ax1, bx1)) * max(0, min(ay2, by2) - max(ay1, by1));
  return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
}

/** IoU of every corner box in `a` with every corner box in `b`: a flat `numA × numB` matrix. */
export function iouMatrix(a: Float32Array, b: Float32Array): Float32Array {
  checkBoxes(a, 'iouMatrix a');
  checkBoxes(b, 'iouMatrix b');
  const numA = a.length / 4;
  const numB = b.length / 4;
  const out = new Float32Array(numA * numB);
  for (let i = 0; i < numA; i++) {
    for (let j = 0; j < numB; j++) out[i * numB + j] = iouAt(a, i, b, j);
  }
  return out;
}
