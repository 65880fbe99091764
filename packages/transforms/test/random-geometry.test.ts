import { Rng } from '@ssd/random';
import {
  compose,
  convertFromInts,
  expand,
  type ImageSample,
  randomGeometry,
  randomMirror,
  randomSampleCrop,
  resize,
  toPercentCoords,
} from '../src';
import { randomSample, sameValues } from './helpers';

const MEAN = [123, 117, 104];

describe('randomGeometry', () => {
  it('equals Expand, RandomSampleCrop, RandomMirror, ToPercentCoords and Resize composed, seed by seed', () => {
    const unfused = compose(
      convertFromInts(),
      expand(MEAN),
      randomSampleCrop(),
      randomMirror(),
      toPercentCoords(),
      resize(64),
    );
    const fused = compose(convertFromInts(), randomGeometry(MEAN, 64));
    const input: ImageSample = randomSample(
      90,
      70,
      [5, 5, 40, 30, 30, 20, 88, 69, 60, 2, 70, 12, 0, 0, 90, 70],
      [1, 2, 3, 4],
    );
    let mismatches = 0;
    const kinds = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const a = unfused(input, new Rng(seed));
      const b = fused(input, new Rng(seed));
      kinds.add(`${a.labels.length}`);
      if (!(sameValues(a.image, b.image) && sameValues(a.boxes, b.boxes) && sameValues(a.labels, b.labels))) {
        mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    // The seeds reach crops that keep one, several and all boxes.
    expect(kinds.size).toBeGreaterThanOrEqual(3);
  });

  it('rejects a bad mean or size', () => {
    expect(() => randomGeometry([1, 2], 300)).toThrow(/mean needs 3 values/);
    expect(() => randomGeometry(MEAN, 2.5)).toThrow(/size must be a positive integer/);
  });
});
