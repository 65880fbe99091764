const TWO_POW_32 = 4294967296;

/** A 32-bit integer → a well-mixed 32-bit integer (splitmix32), to spread nearby seeds apart. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Seedable pseudo-random numbers: xoshiro128** with its state seeded through splitmix32. The same seed gives
 * the same sequence on every platform (integer arithmetic only), and seeds that differ by one give unrelated
 * streams. Everything random in ssd-ts (weight initialisation, augmentation, the shapes data set, sampling)
 * draws from one of these.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed`: any safe integer; the same seed always gives the same sequence. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`Rng seed must be a safe integer, got ${seed}`);
    // Fold the high bits in too, so seeds above 2^32 do not collide with their low halves.
    let x = splitmix32((seed % TWO_POW_32) | 0);
    x = splitmix32(x ^ Math.floor(seed / TWO_POW_32));
    this.s0 = x;
    this.s1 = splitmix32(x + 1);
    this.s2 = splitmix32(x + 2);
    this.s3 = splitmix32(x + 3);
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** `a + (b - a) · next()`, like numpy's `uniform(a, b)` (also when `a > b`). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Uniform integer in [lo, hi), like numpy's `randint(lo, hi)`. */
  int(lo: number, hi: number): number {
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && hi > lo)) {
      throw new Error(`Rng.int needs integers lo < hi, got lo=${lo} hi=${hi}`);
    }
    return lo + Math.floor((hi - lo) * this.next());
  }

  /** `n` values uniform in [low, high), drawn in order. */
  uniformValues(n: number, low: number, high: number): Float32Array {
    const out = new Float32Array(checkCount(n));
    const span = high - low;
    for (let i = 0; i < n; i++) out[i] = low + span * this.next();
    return out;
  }

  /** `n` values from a normal distribution N(mean, std²) (Box-Muller: two values per pair of draws). */
  normalValues(n: number, mean: number, std: number): Float32Array {
    const out = new Float32Array(checkCount(n));
    for (let i = 0; i < n; i += 2) {
      // 1 - next() lies in (0, 1], so the log is finite.
      const r = Math.sqrt(-2 * Math.log(1 - this.next()));
      const theta = 2 * Math.PI * this.next();
      out[i] = mean + std * r * Math.cos(theta);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(theta);
    }
    return out;
  }
}

function checkCount(n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new Error(`Rng: a count must be an integer ≥ 0, got ${n}`);
  return n;
}
