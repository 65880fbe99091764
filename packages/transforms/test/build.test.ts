import { defaultConfig } from '@ssd/config';
import { resizeBilinear } from '@ssd/image';
import { Rng } from '@ssd/random';
import { buildTransforms, type InputSample } from '../src';
import { sameValues } from './helpers';

const cfg = defaultConfig();
const SIZE = cfg.INPUT.IMAGE_SIZE;

const PHOTO: InputSample = (() => {
  const rng = new Rng(99);
  const width = 500;
  const height = 375;
  const image = new Uint8Array(width * height * 3);
  for (let i = 0; i < image.length; i++) image[i] = rng.int(0, 256);
  return {
    image,
    width,
    height,
    boxes: Float32Array.from([48, 240, 195, 371, 8, 12, 352, 370, 300, 50, 480, 200]),
    labels: Int32Array.from([12, 15, 7]),
  };
})();

/** A 500×375 noise image with three boxes (a fresh copy each call). */
function photo(): InputSample {
  return { ...PHOTO, image: PHOTO.image.slice(), boxes: PHOTO.boxes.slice(), labels: PHOTO.labels.slice() };
}

describe('buildTransforms (train)', () => {
  const transform = buildTransforms(cfg, true);

  it('always gives an IMAGE_SIZE² float image with relative boxes inside it and known labels', () => {
    const input = photo();
    const before = { image: input.image.slice(), boxes: input.boxes.slice(), labels: input.labels.slice() };
    for (let seed = 0; seed < 40; seed++) {
      const out = transform(input, new Rng(seed));
      expect([out.width, out.height, out.image.length]).toEqual([SIZE, SIZE, SIZE * SIZE * 3]);
      expect(out.image).toBeInstanceOf(Float32Array);
      expect(out.labels.length).toBeGreaterThan(0);
      expect(out.boxes.length).toBe(out.labels.length * 4);
      for (const label of out.labels) expect([12, 15, 7]).toContain(label);
      for (let i = 0; i < out.boxes.length; i += 4) {
        const [x1, y1, x2, y2] = out.boxes.subarray(i, i + 4);
        expect(x1 >= 0 && y1 >= 0 && x2 <= 1 && y2 <= 1 && x1 < x2 && y1 < y2).toBe(true);
      }
    }
    // The pipeline works on copies: the data set's arrays are untouched.
    expect(sameValues(input.image, before.image)).toBe(true);
    expect(sameValues(input.boxes, before.boxes)).toBe(true);
    expect(sameValues(input.labels, before.labels)).toBe(true);
  });

  it('gives identical output for the same seed and different output for different seeds', () => {
    const a = transform(photo(), new Rng(5));
    const b = transform(photo(), new Rng(5));
    expect(sameValues(a.image, b.image)).toBe(true);
    expect(sameValues(a.boxes, b.boxes)).toBe(true);
    const distinct = new Set<string>();
    for (let seed = 0; seed < 10; seed++) {
      const out = transform(photo(), new Rng(seed));
      distinct.add(`${Array.from(out.image.subarray(0, 12)).join()}|${Array.from(out.boxes).join()}`);
    }
    expect(distinct.size).toBe(10);
  });
});

describe('buildTransforms (test)', () => {
  it('is resize then mean subtraction, with boxes left in pixels', () => {
    const input = photo();
    const out = buildTransforms(cfg, false)(input, new Rng(0));
    const resized = resizeBilinear(input.image, input.width, input.height, SIZE, SIZE);
    const [m0, m1, m2] = cfg.INPUT.PIXEL_MEAN;
    const expected = resized.map((v, i) => v - [m0, m1, m2][i % 3]);
    expect(sameValues(out.image, expected)).toBe(true);
    expect(out.boxes).toEqual(input.boxes);
    expect(out.labels).toEqual(input.labels);
  });

  it('rejects a bad INPUT config naming the key', () => {
    expect(() => buildTransforms({ INPUT: { IMAGE_SIZE: 0, PIXEL_MEAN: [1, 2, 3] } })).toThrow(
      /INPUT.IMAGE_SIZE/,
    );
    expect(() => buildTransforms({ INPUT: { IMAGE_SIZE: 300, PIXEL_MEAN: [1, 2] } })).toThrow(
      /INPUT.PIXEL_MEAN/,
    );
  });
});

describe('lighter training augmentation (INPUT.PHOTOMETRIC_DISTORT, INPUT.EXPAND_MAX_RATIO)', () => {
  it('without photometric distortion a flat image keeps its colour through the train pipeline', () => {
    const cfg = {
      INPUT: { IMAGE_SIZE: 16, PIXEL_MEAN: [0, 0, 0], EXPAND_MAX_RATIO: 1, PHOTOMETRIC_DISTORT: false },
    };
    const image = new Uint8Array(20 * 20 * 3);
    for (let i = 0; i < image.length; i += 3) image.set([200, 40, 10], i);
    const boxes = Float32Array.from([2, 2, 18, 18]);
    for (let seed = 0; seed < 20; seed++) {
      const out = buildTransforms(cfg, true)(
        { image, width: 20, height: 20, boxes, labels: Int32Array.from([1]) },
        new Rng(seed),
      );
      expect(Array.from(out.image.subarray(0, 3)).map(Math.round)).toEqual([200, 40, 10]);
    }
  });
});
