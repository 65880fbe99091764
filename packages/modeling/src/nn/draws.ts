import { mixSeed, Rng } from '@ssd/random';
import type { TrainingDraws } from './module';

/**
 * Draws for images [first, first + count) of a batch seeded by `seed`: an image's number at a site depends on
 * (seed, site, image index) alone, so passes, threads and backends that split the batch draw what the whole
 * batch would.
 */
export function batchDraws(seed: number, first: number, count: number): TrainingDraws {
  return {
    perImage: (site) =>
      Float32Array.from({ length: count }, (_, i) => new Rng(mixSeed(seed, site, first + i)).next()),
  };
}
