import { Rng } from '@ssd/random';
import {
  compose,
  convertFromInts,
  type ImageSample,
  removeEmptyBoxes,
  subtractMeans,
  toPercentCoords,
  toTensor,
} from '../src';

const rng = new Rng(0);

function sample(width: number, height: number, boxes: number[], labels: number[]): ImageSample {
  const image = Float32Array.from({ length: width * height * 3 }, (_, i) => i);
  return { image, width, height, boxes: Float32Array.from(boxes), labels: Int32Array.from(labels) };
}

describe('pixel transforms', () => {
  it('convertFromInts copies 8-bit pixels into a new float array', () => {
    const bytes = Uint8Array.from([0, 7, 255, 1, 2, 3]);
    const out = convertFromInts()({ ...sample(2, 1, [], []), image: bytes }, rng);
    expect(out.image).toBeInstanceOf(Float32Array);
    expect(Array.from(out.image)).toEqual([0, 7, 255, 1, 2, 3]);
  });

  it('subtractMeans subtracts the RGB mean per channel into a new array', () => {
    const s = sample(2, 1, [], []);
    const out = subtractMeans([123, 117, 104])(s, rng);
    expect(Array.from(out.image)).toEqual([-123, -116, -102, -120, -113, -99]);
    expect(Array.from(s.image)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => subtractMeans([1, 2])).toThrow(/mean needs 3 values/);
  });

  it('toPercentCoords divides x by the width and y by the height', () => {
    const out = toPercentCoords()(sample(200, 100, [10, 20, 150, 100, 0, 0, 200, 50], [3, 4]), rng);
    expect(Array.from(out.boxes)).toEqual([0.05, 0.2, 0.75, 1, 0, 0, 1, 0.5].map(Math.fround));
    expect(Array.from(out.labels)).toEqual([3, 4]);
  });

  it('toTensor passes an HWC float image through and rejects a wrong layout', () => {
    const s = sample(3, 2, [], []);
    expect(toTensor()(s, rng)).toBe(s);
    expect(() => toTensor()({ ...s, width: 4 }, rng)).toThrow(/18 values, expected 4×2×3/);
  });
});

describe('compose', () => {
  it('drops zero-width or zero-height boxes with their labels', () => {
    const s = sample(4, 4, [0, 0, 2, 2, 1, 1, 1, 3, 1, 2, 3, 2, 0, 1, 4, 3], [1, 2, 3, 4]);
    const out = removeEmptyBoxes(s);
    expect(Array.from(out.boxes)).toEqual([0, 0, 2, 2, 0, 1, 4, 3]);
    expect(Array.from(out.labels)).toEqual([1, 4]);
  });

  it('leaves the caller’s arrays untouched and checks the input', () => {
    const s = sample(2, 2, [0, 0, 2, 2], [1]);
    const image = s.image.slice();
    const out = compose(convertFromInts(), toPercentCoords(), subtractMeans([1, 1, 1]))(s, rng);
    expect(Array.from(out.boxes)).toEqual([0, 0, 1, 1]);
    expect(Array.from(s.boxes)).toEqual([0, 0, 2, 2]);
    expect(s.image).toEqual(image);
    expect(() => compose(convertFromInts())({ ...s, labels: new Int32Array(2) }, rng)).toThrow(
      /boxes hold 1 rows but labels hold 2/,
    );
  });
});
