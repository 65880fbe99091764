/**
 * Folds integers (a seed, an iteration, an index...) into one 32-bit seed for an `Rng`, so that every
 * combination gets its own stream whatever order, thread or process computes it.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    if (!Number.isSafeInteger(part)) throw new Error(`seed parts must be safe integers, got ${part}`);
    // Low and high 32 bits separately, so large parts do not lose their upper bits.
    for (const word of [(part % 4294967296) | 0, Math.floor(part / 4294967296) | 0]) {
      h = Math.imul(h ^ word, 0x9e3779b1);
      h ^= h >>> 15;
      h = Math.imul(h, 0x85ebca77);
      h ^= h >>> 13;
    }
  }
  return h >>> 0;
}
