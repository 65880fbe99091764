import { Rng } from '../src';

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs for neighbouring seeds', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 20 },
        (
          (r) => () =>
            r.next()
        )(new Rng(seed)),
      );
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('draws next() uniformly in [0, 1)', () => {
    const rng = new Rng(123);
    const bins = new Array(10).fill(0);
    let sum = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      if (!(v >= 0 && v < 1)) outside++;
      bins[Math.floor(v * 10)]++;
      sum += v;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    for (const b of bins) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.005);
  });

  it('int(lo, hi) covers [lo, hi) and uniform(a, b) stays between a and b in either order', () => {
    const rng = new Rng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      seen.add(rng.int(-2, 4));
      const u = rng.uniform(3, 1);
      expect(u > 1 && u <= 3).toBe(true);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('rejects bad seeds and ranges', () => {
    expect(() => new Rng(1.5)).toThrow(/Rng seed/);
    expect(() => new Rng(0).int(3, 3)).toThrow(/lo=3 hi=3/);
  });
});
