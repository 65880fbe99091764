import { Rng } from '@ssd/random';
import {
  convertColor,
  type ImageSample,
  photometricDistort,
  randomBrightness,
  randomContrast,
  randomHue,
  randomLightingNoise,
  randomSaturation,
} from '../src';
import { randomSample, ScriptedRng } from './helpers';

function pixels(values: number[]): ImageSample {
  return {
    image: Float32Array.from(values),
    width: values.length / 3,
    height: 1,
    boxes: Float32Array.from([0, 0, 1, 1]),
    labels: Int32Array.from([7]),
  };
}

describe('single photometric steps with known draws', () => {
  it('randomBrightness adds uniform(−32, 32) with p 1/2', () => {
    expect(Array.from(randomBrightness()(pixels([10, 20, 30]), new ScriptedRng([0.9, 0.75])).image)).toEqual([
      26, 36, 46,
    ]);
    expect(Array.from(randomBrightness()(pixels([10, 20, 30]), new ScriptedRng([0.1])).image)).toEqual([
      10, 20, 30,
    ]);
  });

  it('randomContrast multiplies by uniform(0.5, 1.5) with p 1/2', () => {
    expect(Array.from(randomContrast()(pixels([10, 20, 30]), new ScriptedRng([0.9, 0.25])).image)).toEqual([
      7.5, 15, 22.5,
    ]);
  });

  it('randomSaturation scales S and randomHue shifts H with wrap-around', () => {
    const hsvImage = pixels([10, 0.4, 100, 350, 0.8, 50]);
    randomSaturation()(hsvImage, new ScriptedRng([0.9, 0.75]));
    expect(Array.from(hsvImage.image)).toEqual([10, 0.5, 100, 350, 1, 50].map(Math.fround));
    randomHue()(hsvImage, new ScriptedRng([0.9, 0])); // delta −18
    randomHue()(hsvImage, new ScriptedRng([0.9, 0.75])); // delta +9
    expect(hsvImage.image[0]).toBeCloseTo(1, 4); // 10 − 18 + 360 + 9 − 360
    expect(hsvImage.image[3]).toBeCloseTo(341, 4); // 350 − 18 + 9
  });

  it('randomLightingNoise reorders channels by the drawn permutation', () => {
    // int(0, 6) from 0.5 → permutation 3 = (1, 2, 0).
    const out = randomLightingNoise()(pixels([1, 2, 3, 4, 5, 6]), new ScriptedRng([0.9, 0.5]));
    expect(Array.from(out.image)).toEqual([2, 3, 1, 5, 6, 4]);
  });
});

describe('photometricDistort', () => {
  // brightness (apply, +16), order, contrast (apply, ×0.75), saturation (apply, ×1.25), hue (apply, −9),
  // lighting noise (apply, permutation 5 = (2, 1, 0)).
  const draws = (order: number) => [0.9, 0.75, order, 0.9, 0.25, 0.9, 0.75, 0.9, 0.25, 0.9, 0.9];

  it.each([
    ['contrast first', 0.9],
    ['contrast last', 0.1],
  ])('matches the reference steps chained one by one (%s)', (_, order) => {
    const input = randomSample(16, 8, [1, 1, 5, 5], [3], 11);
    const fused = photometricDistort()(
      { ...input, image: input.image.slice() },
      new ScriptedRng(draws(order)),
    );

    const rng = new ScriptedRng(draws(order));
    let s: ImageSample = { ...input, image: input.image.slice() };
    s = randomBrightness()(s, rng);
    const contrastFirst = rng.int(0, 2) === 1;
    if (contrastFirst) s = randomContrast()(s, rng);
    s = convertColor('RGB', 'HSV')(s, rng);
    s = randomSaturation()(s, rng);
    s = randomHue()(s, rng);
    s = convertColor('HSV', 'RGB')(s, rng);
    if (!contrastFirst) s = randomContrast()(s, rng);
    s = randomLightingNoise()(s, rng);
    expect(rng.remaining()).toBe(0);

    expect(Array.from(fused.image)).toEqual(Array.from(s.image));
    expect(Array.from(fused.boxes)).toEqual([1, 1, 5, 5]);
  });

  it('is repeatable per seed, varies across seeds, and keeps values in a plausible range', () => {
    const input = randomSample(20, 10, [], [], 2);
    const run = (seed: number) =>
      photometricDistort()({ ...input, image: input.image.slice() }, new Rng(seed)).image;
    expect(run(4)).toEqual(run(4));
    const outputs = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const out = run(seed);
      outputs.add(Array.from(out.subarray(0, 6)).join(','));
      // (255 + 32) · 1.5 bounds brightness then contrast; saturation > 1 can push a channel below 0.
      for (const v of out) expect(v > -500 && v < 500).toBe(true);
    }
    expect(outputs.size).toBeGreaterThan(30);
  });
});
