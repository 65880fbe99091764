import { mixSeed, Rng } from '@ssd/random';

/** One batch of data set indices, and the iteration (0-based) it belongs to. */
export interface IndexBatch {
  iteration: number;
  indices: number[];
}

/** Options of an iteration-based batch sampler. */
export interface BatchSamplerOptions {
  /** Data set size. */
  size: number;
  batchSize: number;
  /** Shuffle seed: each epoch's order comes from (seed, epoch). */
  seed: number;
  /** Shuffle each epoch (training) or keep data set order. Default true. */
  shuffle?: boolean;
}

/**
 * Yields batches by iteration, going through the data set epoch after epoch, each in a fresh order. As
 * in the reference (BatchSampler with drop_last=False), the last batch of an epoch may be short. The batch
 * at iteration k depends only on (seed, k), so a resumed run sees exactly the batches an unbroken one does.
 */
export class IterationBatchSampler {
  readonly size: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  /** Batches per pass over the data set. */
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(options: BatchSamplerOptions) {
    const { size, batchSize, seed } = options;
    if (!(Number.isInteger(size) && size > 0))
      throw new Error(`batch sampler: data set size must be positive, got ${size}`);
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new Error(`batch sampler: batch size must be a positive integer, got ${batchSize}`);
    }
    this.size = size;
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = options.shuffle ?? true;
    this.batchesPerEpoch = Math.ceil(size / batchSize);
  }

  /** The data set indices of the batch at iteration `k` (0-based). */
  batch(k: number): number[] {
    if (!(Number.isInteger(k) && k >= 0))
      throw new Error(`batch sampler: iteration must be a non-negative integer, got ${k}`);
    const epoch = Math.floor(k / this.batchesPerEpoch);
    const start = (k % this.batchesPerEpoch) * this.batchSize;
    const order = this.epochOrder(epoch);
    return Array.from(order.subarray(start, Math.min(start + this.batchSize, this.size)));
  }

  /** Batches for iterations `start`, ..., `maxIter - 1`: `maxIter` batches in all for a run from 0. */
  *iterate(maxIter: number, start = 0): Generator<IndexBatch> {
    for (let k = start; k < maxIter; k++) yield { iteration: k, indices: this.batch(k) };
  }

  /** Index order of one epoch: a seeded Fisher–Yates shuffle, or data set order. */
  private epochOrder(epoch: number): Int32Array {
    if (epoch !== this.epoch) {
      const order = new Int32Array(this.size);
      for (let i = 0; i < this.size; i++) order[i] = i;
      if (this.shuffle) {
        const rng = new Rng(mixSeed(this.seed, epoch));
        for (let i = this.size - 1; i > 0; i--) {
          const j = rng.int(0, i + 1);
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
        }
      }
      this.epoch = epoch;
      this.order = order;
    }
    return this.order;
  }
}
