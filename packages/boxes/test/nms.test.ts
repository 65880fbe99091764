import { Rng } from '@ssd/random';
import { batchedNms, nms } from '../src';

/** Uniform numbers in [0, 1) from a seeded generator. */
function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

function randomBoxes(n: number, seed: number): { boxes: Float32Array; scores: Float32Array } {
  const rnd = random(seed);
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = rnd() * 80;
    const y = rnd() * 80;
    boxes.set([x, y, x + 5 + rnd() * 30, y + 5 + rnd() * 30], 4 * i);
    scores[i] = rnd();
  }
  return { boxes, scores };
}

/** Textbook greedy NMS, written independently: take the best, drop what overlaps it, repeat. */
function simpleNms(boxes: Float32Array, scores: Float32Array, threshold: number): number[] {
  const iou = (i: number, j: number) => {
    const [a, b] = [boxes.subarray(4 * i, 4 * i + 4), boxes.subarray(4 * j, 4 * j + 4)];
    const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    const area = (r: Float32Array) => (r[2] - r[0]) * (r[3] - r[1]);
    return (w * h) / (area(a) + area(b) - w * h);
  };
  let rest = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const kept: number[] = [];
  while (rest.length > 0) {
    const best = rest[0];
    kept.push(best);
    rest = rest.slice(1).filter((j) => iou(best, j) <= threshold);
  }
  return kept;
}

describe('nms', () => {
  it('keeps boxes in score order and drops those overlapping a kept box above the threshold', () => {
    const boxes = Float32Array.from([0, 0, 10, 10, 1, 0, 11, 10, 20, 20, 30, 30, 0, 0, 10, 5]);
    const scores = Float32Array.from([0.9, 0.95, 0.5, 0.8]);
    // Box 1 (best) overlaps box 0 at 9/11 > 0.45, and box 3 at 45/105 < 0.45.
    expect(Array.from(nms(boxes, scores, 0.45))).toEqual([1, 3, 2]);
    expect(Array.from(nms(boxes, scores, 0.45, 2))).toEqual([1, 3]);
    expect(Array.from(nms(boxes, scores, 0.9))).toEqual([1, 0, 3, 2]);
  });

  it('keeps a box whose IoU equals the threshold exactly', () => {
    const boxes = Float32Array.from([0, 0, 2, 1, 1, 0, 3, 1]); // IoU 1/3
    expect(Array.from(nms(boxes, Float32Array.from([0.6, 0.5]), 1 / 3))).toEqual([0, 1]);
    expect(Array.from(nms(boxes, Float32Array.from([0.6, 0.5]), 0.33))).toEqual([0]);
  });

  it('agrees with a textbook implementation on random boxes', () => {
    const { boxes, scores } = randomBoxes(400, 7);
    for (const threshold of [0.3, 0.45, 0.7]) {
      expect(Array.from(nms(boxes, scores, threshold))).toEqual(simpleNms(boxes, scores, threshold));
    }
  });
});

describe('batchedNms', () => {
  const { boxes, scores } = randomBoxes(600, 11);
  const rnd = random(3);
  const classes = Int32Array.from(scores, () => 1 + Math.floor(rnd() * 5));

  it('equals plain NMS on boxes shifted apart per class (the reference offsets trick)', () => {
    let max = 0;
    for (const v of boxes) max = Math.max(max, v);
    const shifted = boxes.map((v, i) => v + classes[i >> 2] * (max + 1));
    expect(Array.from(batchedNms(boxes, scores, classes, 0.45))).toEqual(simpleNms(shifted, scores, 0.45));
  });

  it('caps per class and in total, keeping the highest scores', () => {
    const all = Array.from(batchedNms(boxes, scores, classes, 0.45));
    const perClass = Array.from(batchedNms(boxes, scores, classes, 0.45, 3));
    const expected = all.filter(
      (i, k) => all.slice(0, k).filter((j) => classes[j] === classes[i]).length < 3,
    );
    expect(perClass).toEqual(expected);
    expect(Array.from(batchedNms(boxes, scores, classes, 0.45, -1, 10))).toEqual(all.slice(0, 10));
  });

  it('names mismatched inputs', () => {
    expect(() => batchedNms(boxes, scores, new Int32Array(3), 0.5)).toThrow(/3 classIds but 600 scores/);
    expect(() => nms(boxes, new Float32Array(2), 0.5)).toThrow(/nms: 600 boxes but 2 scores/);
  });
});
