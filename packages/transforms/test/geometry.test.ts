import { Rng } from '@ssd/random';
import { expand, type ImageSample, randomMirror, randomSampleCrop } from '../src';
import { drawExpansion } from '../src/expand';
import { CROP_MODES } from '../src/random-sample-crop';
import { coordinateImage, ScriptedRng, sameValues } from './helpers';

function coordinateSample(width: number, height: number, boxes: number[], labels: number[]): ImageSample {
  return {
    image: coordinateImage(width, height),
    width,
    height,
    boxes: Float32Array.from(boxes),
    labels: Int32Array.from(labels),
  };
}

const MEAN = [123, 117, 104];

describe('expand', () => {
  it('places the image on a mean-filled canvas at the drawn offset', () => {
    // apply (int 0), ratio 1 + 3·0.5 = 2.5, left ⌊0.4·15⌋ = 6, top ⌊0.6·12⌋ = 7.
    const input = coordinateSample(10, 8, [1, 2, 5, 6], [4]);
    const out = expand(MEAN)(input, new ScriptedRng([0.1, 0.5, 0.4, 0.6]));
    expect([out.width, out.height]).toEqual([25, 20]);
    expect(out.image.length).toBe(25 * 20 * 3);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 25; x++) {
        const i = (y * 25 + x) * 3;
        const inside = x >= 6 && x < 16 && y >= 7 && y < 15;
        const expected = inside ? [x - 6, y - 7, x - 6 + 1000 * (y - 7)] : MEAN;
        expect(Array.from(out.image.subarray(i, i + 3))).toEqual(expected);
      }
    }
    expect(Array.from(out.boxes)).toEqual([7, 9, 11, 13]);
    expect(Array.from(out.labels)).toEqual([4]);
  });

  it('leaves the sample alone with p 1/2', () => {
    const input = coordinateSample(10, 8, [1, 2, 5, 6], [4]);
    expect(expand(MEAN)(input, new ScriptedRng([0.9]))).toBe(input);
  });
});

describe('randomMirror', () => {
  it('flips pixels and boxes left–right', () => {
    const out = randomMirror()(
      coordinateSample(10, 3, [1, 0, 4, 2, 0, 1, 10, 3], [1, 2]),
      new ScriptedRng([0.9]),
    );
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 10; x++) expect(out.image[(y * 10 + x) * 3]).toBe(9 - x);
    }
    expect(out.image[(2 * 10 + 3) * 3 + 1]).toBe(2);
    expect(Array.from(out.boxes)).toEqual([6, 0, 9, 2, 0, 1, 10, 3]);
  });

  it('does nothing with p 1/2', () => {
    const out = randomMirror()(coordinateSample(4, 2, [1, 0, 2, 1], [1]), new ScriptedRng([0.2]));
    expect(Array.from(out.boxes)).toEqual([1, 0, 2, 1]);
    expect(out.image[0]).toBe(0);
  });
});

describe('randomSampleCrop', () => {
  const W = 60;
  const H = 40;
  const BOXES = [2, 3, 20, 15, 30, 10, 58, 38, 10, 20, 25, 39, 40, 2, 45, 8];
  const LABELS = [1, 2, 3, 4];

  it('crops to a patch holding at least one box centre, keeping exactly those boxes, clipped', () => {
    let cropped = 0;
    const sizes = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const input = coordinateSample(W, H, BOXES, LABELS);
      const out = randomSampleCrop()(input, new Rng(seed));
      if (out === input) continue;
      cropped++;
      const { width, height } = out;
      sizes.add(`${width}x${height}`);
      // Sides from [0.3, 1) of the image's (±1 from truncating the corners), aspect h/w in [0.5, 2].
      expect(width).toBeGreaterThanOrEqual(0.3 * W - 1);
      expect(height).toBeGreaterThanOrEqual(0.3 * H - 1);
      expect(width <= W && height <= H).toBe(true);
      // The coordinate image says where the patch came from; every pixel must come from there.
      const x1 = out.image[0];
      const y1 = out.image[1];
      let misplaced = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (out.image[(y * width + x) * 3 + 2] !== x1 + x + 1000 * (y1 + y)) misplaced++;
        }
      }
      expect(misplaced).toBe(0);
      // The reference samples the left edge between W − w and 1, so a clearly narrower patch never starts at 0.
      if (width <= W - 2) expect(x1).toBeGreaterThanOrEqual(1);
      const x2 = x1 + width;
      const y2 = y1 + height;
      const boxes: number[] = [];
      const labels: number[] = [];
      for (let i = 0; i < LABELS.length; i++) {
        const [bx1, by1, bx2, by2] = BOXES.slice(4 * i, 4 * i + 4);
        const cx = (bx1 + bx2) / 2;
        const cy = (by1 + by2) / 2;
        if (!(cx > x1 && cx < x2 && cy > y1 && cy < y2)) continue;
        boxes.push(
          Math.max(bx1, x1) - x1,
          Math.max(by1, y1) - y1,
          Math.min(bx2, x2) - x1,
          Math.min(by2, y2) - y1,
        );
        labels.push(LABELS[i]);
      }
      expect(labels.length).toBeGreaterThan(0);
      expect(Array.from(out.labels)).toEqual(labels);
      expect(Array.from(out.boxes)).toEqual(boxes);
      for (let i = 0; i < out.boxes.length; i += 4) {
        expect(out.boxes[i] >= 0 && out.boxes[i + 2] <= width && out.boxes[i] < out.boxes[i + 2]).toBe(true);
        expect(
          out.boxes[i + 1] >= 0 && out.boxes[i + 3] <= height && out.boxes[i + 1] < out.boxes[i + 3],
        ).toBe(true);
      }
    }
    // Two of the six modes keep the whole image, each time a mode is chosen.
    expect(cropped).toBeGreaterThan(120);
    expect(cropped).toBeLessThan(260);
    expect(sizes.size).toBeGreaterThan(50);
  });

  it('is repeatable per seed', () => {
    const run = (seed: number) => randomSampleCrop()(coordinateSample(W, H, BOXES, LABELS), new Rng(seed));
    for (let seed = 0; seed < 10; seed++) {
      const [a, b] = [run(seed), run(seed)];
      expect(
        sameValues(a.image, b.image) && sameValues(a.boxes, b.boxes) && sameValues(a.labels, b.labels),
      ).toBe(true);
    }
  });

  it('keeps an image without boxes whole', () => {
    const input = coordinateSample(W, H, [], []);
    expect(randomSampleCrop()(input, new Rng(1))).toBe(input);
  });

  it('meets the minimum IoU of the mode: with 0.9, a patch nearly equal to the only box', () => {
    // Every mode draw picks index 4 (min IoU 0.9); all other draws are random.
    class Mode09Rng extends Rng {
      override int(lo: number, hi: number): number {
        return hi === CROP_MODES.length ? 4 : super.int(lo, hi);
      }
    }
    expect(CROP_MODES[4]).toBe(0.9);
    for (let seed = 0; seed < 50; seed++) {
      const out = randomSampleCrop()(coordinateSample(W, H, [0, 0, 60, 40], [1]), new Mode09Rng(seed));
      // The box is the whole image, so IoU = patch area / image area.
      expect((out.width * out.height) / (W * H)).toBeGreaterThanOrEqual(0.9);
    }
  });
});

describe('Expand with INPUT.EXPAND_MAX_RATIO', () => {
  it('bounds the canvas ratio and, at 1, turns Expand off without drawing', () => {
    // Draws: randint(2) = 0 (expand), ratio = 1 + 0.999·(2 − 1), left, top.
    const e = drawExpansion(100, 50, new ScriptedRng([0.1, 0.999, 0.5, 0.5]), 2);
    expect(e!.width).toBe(199);
    expect(e!.height).toBe(99);
    const rng = new ScriptedRng([]);
    expect(drawExpansion(100, 50, rng, 1)).toBeNull();
  });
});
