/**
 * Seeded pseudo-random numbers for weight initialisation, so a model built with the same seed has the same
 * weights on every backend (tfjs's own random ops are backend-specific).
 */

// Module-level aliases: under jest's vm sandbox every global lookup (`Math`) in a hot loop costs ~100×.
const { imul, sqrt, log, cos, sin, PI } = Math;

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Creates a deterministic generator (mulberry32) from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `n` values uniform in [low, high). */
export function uniformValues(rng: Rng, n: number, low: number, high: number): Float32Array {
  const out = new Float32Array(n);
  const span = high - low;
  for (let i = 0; i < n; i++) out[i] = low + span * rng();
  return out;
}

/** Fills `n` values from a normal distribution (Box-Muller). */
export function normalValues(rng: Rng, n: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // 1 - rng() lies in (0, 1], so the log is finite.
    const r = sqrt(-2 * log(1 - rng()));
    const theta = 2 * PI * rng();
    out[i] = mean + std * r * cos(theta);
    if (i + 1 < n) out[i + 1] = mean + std * r * sin(theta);
  }
  return out;
}
