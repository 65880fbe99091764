/**
 * Detections compared as the issue asks: the same labels, boxes within 0.5 px and scores within 1e-4. Objects
 * are matched one to one, not by position: two scores that differ by less than float32 rounding may come out in
 * either order.
 */

/** A detected object as Predictor gives it. */
export interface Detected {
  readonly box: readonly number[];
  readonly label: string;
  readonly labelId: number;
  readonly score: number;
}

export const BOX_TOLERANCE = 0.5;
export const SCORE_TOLERANCE = 1e-4;

function same(a: Detected, b: Detected): boolean {
  return (
    a.labelId === b.labelId &&
    a.label === b.label &&
    Math.abs(a.score - b.score) <= SCORE_TOLERANCE &&
    a.box.every((v, i) => Math.abs(v - b.box[i]!) <= BOX_TOLERANCE)
  );
}

/** The objects of `a` that no object of `b` matches (each object of `b` matches at most one). */
export function unmatched(a: readonly Detected[], b: readonly Detected[]): Detected[] {
  const used = new Set<number>();
  const left: Detected[] = [];
  for (const object of a) {
    const j = b.findIndex((candidate, k) => !used.has(k) && same(object, candidate));
    if (j < 0) left.push(object);
    else used.add(j);
  }
  return left;
}

/** Why two images' detections differ, or undefined when they are the same objects. */
export function differences(expected: readonly Detected[], actual: readonly Detected[]): string | undefined {
  if (expected.length === 0) return 'no objects to compare (the reference found none)';
  const missing = unmatched(expected, actual);
  const extra = unmatched(actual, expected);
  if (expected.length === actual.length && missing.length === 0 && extra.length === 0) return undefined;
  return `${expected.length} objects expected, ${actual.length} found; unmatched: ${JSON.stringify(missing.slice(0, 3))} vs ${JSON.stringify(extra.slice(0, 3))}`;
}
