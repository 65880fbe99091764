import { mixSeed, Rng } from '../src';

const M32 = (1n << 32n) - 1n;
const mul32 = (a: bigint, b: bigint) => (a * b) & M32;
const rotl32 = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;

/** splitmix32 written again in BigInt arithmetic, independently of the package's Math.imul code. */
function splitmix(x: bigint): bigint {
  let z = (x + 0x9e3779b9n) & M32;
  z = mul32(z ^ (z >> 16n), 0x85ebca6bn);
  z = mul32(z ^ (z >> 13n), 0xc2b2ae35n);
  return z ^ (z >> 16n);
}

/** xoshiro128** from its published definition, in BigInt arithmetic, from an explicit state. */
function xoshiroOutputs(state: bigint[], count: number): number[] {
  let [s0, s1, s2, s3] = state as [bigint, bigint, bigint, bigint];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number(mul32(rotl32(mul32(s1, 5n), 7n), 9n)));
    const t = (s1 << 9n) & M32;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl32(s3, 11n);
  }
  return out;
}

describe('Rng', () => {
  it('is xoshiro128** seeded through splitmix32', () => {
    // The BigInt reference against values worked out by hand from the definition, state [1, 2, 3, 4].
    expect(xoshiroOutputs([1n, 2n, 3n, 4n], 3)).toEqual([11520, 0, 5927040]);
    for (const seed of [0, 1, 42, 2 ** 31, 2 ** 40 + 3]) {
      const low = BigInt(seed % 2 ** 32);
      const high = BigInt(Math.floor(seed / 2 ** 32));
      const x = splitmix(splitmix(low) ^ high);
      const state = [x, splitmix((x + 1n) & M32), splitmix((x + 2n) & M32), splitmix((x + 3n) & M32)];
      const rng = new Rng(seed);
      expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(xoshiroOutputs(state, 8));
    }
  });

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

  it('fills arrays with the same draws as single calls, uniform in range', () => {
    const values = new Rng(11).uniformValues(1001, -2, 3);
    const rng = new Rng(11);
    const single = Float32Array.from({ length: 1001 }, () => rng.uniform(-2, 3));
    expect(values).toEqual(single);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values)).toBeLessThan(3);
    expect(new Rng(1).uniformValues(0, 0, 1)).toHaveLength(0);
  });

  it('fills normal values with the asked mean and spread, odd lengths included', () => {
    const n = 200_001;
    const values = new Rng(3).normalValues(n, 2, 0.5);
    expect(values).toHaveLength(n);
    expect(values.every(Number.isFinite)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 2)).toBeLessThan(0.005);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.005);
    // A normal distribution has 68.27 % of its mass within one standard deviation, 95.45 % within two.
    const within = (k: number) => values.filter((v) => Math.abs(v - 2) < k * 0.5).length / n;
    expect(within(1)).toBeCloseTo(0.6827, 2);
    expect(within(2)).toBeCloseTo(0.9545, 2);
    expect(() => new Rng(0).normalValues(-1, 0, 1)).toThrow(/count must be an integer ≥ 0, got -1/);
  });
});

describe('mixSeed', () => {
  it('gives each combination of parts its own seed, the same every time', () => {
    expect(mixSeed(1, 2, 3)).toBe(mixSeed(1, 2, 3));
    const seeds = new Set<number>();
    for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) seeds.add(mixSeed(7, a, b));
    expect(seeds.size).toBe(400);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    // Upper bits count: 2^32 + 5 is not 5.
    expect(mixSeed(2 ** 32 + 5)).not.toBe(mixSeed(5));
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });

  it('rejects parts that are not safe integers', () => {
    expect(() => mixSeed(1, 0.5)).toThrow(/seed parts must be safe integers, got 0.5/);
  });
});
