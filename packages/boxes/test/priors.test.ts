import { buildPriors, priorsPerLocation } from '../src';
import { maxAbsDiff, PRIOR_CONFIGS, readFixture } from './fixtures';

interface PriorsFixture {
  image_size: number;
  num_priors: number;
  priors_cxcywh: number[];
}

describe('buildPriors', () => {
  it.each(Object.keys(PRIOR_CONFIGS))('matches the reference PriorBox for %s', (name) => {
    const fixture = readFixture<PriorsFixture>(`priors_${name}.json`);
    const priors = buildPriors(PRIOR_CONFIGS[name]);
    expect(priors.length).toBe(fixture.num_priors * 4);
    // The fixture is rounded to 6 decimals.
    expect(maxAbsDiff(priors, fixture.priors_cxcywh)).toBeLessThan(1e-5);
  });

  it('has BOXES_PER_LOCATION priors per cell, squares first', () => {
    expect(priorsPerLocation([2])).toBe(4);
    expect(priorsPerLocation([2, 3])).toBe(6);
    const priors = buildPriors(PRIOR_CONFIGS.vgg_ssd300_voc0712);
    // Cell (0, 0) of the 38×38 map: centre 0.5 / (300 / 8), square 30/300, then sqrt(30·60)/300, then ratio 2.
    const c = 0.5 / 37.5;
    const s = 0.1;
    const r = Math.SQRT2;
    const expected = [c, c, s, s, c, c, Math.sqrt(1800) / 300, Math.sqrt(1800) / 300];
    expected.push(c, c, s * r, s / r, c, c, s / r, s * r);
    expect(maxAbsDiff(priors.subarray(0, 16), expected)).toBeLessThan(1e-7);
    // Next prior is cell (0, 1): column advances first.
    expect(priors[16]).toBeCloseTo(1.5 / 37.5, 6);
    expect(priors[17]).toBeCloseTo(c, 6);
  });

  it('clips to [0, 1] only when PRIORS.CLIP is set', () => {
    const base = PRIOR_CONFIGS.vgg_ssd300_voc0712;
    const unclipped = buildPriors({ ...base, MODEL: { PRIORS: { ...base.MODEL.PRIORS, CLIP: false } } });
    const clipped = buildPriors(base);
    expect(Math.max(...unclipped)).toBeGreaterThan(1);
    expect(Math.max(...clipped)).toBeLessThanOrEqual(1);
    expect(Math.min(...clipped)).toBeGreaterThanOrEqual(0);
  });

  it('names the key whose length disagrees with FEATURE_MAPS', () => {
    const base = PRIOR_CONFIGS.vgg_ssd300_voc0712;
    const bad = { ...base, MODEL: { PRIORS: { ...base.MODEL.PRIORS, STRIDES: [8, 16] } } };
    expect(() => buildPriors(bad)).toThrow(/MODEL\.PRIORS\.STRIDES/);
  });
});
