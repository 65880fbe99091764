import type { SSDConfig } from '@ssd/config';
import type { TrainBatch } from '@ssd/data';
import type { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { measureKeptBytes } from './accumulate';
import { describeHeapUse, HEAP_LIMITS, microBatchThatFits } from './memory';
import { describePlan } from './plan';

/** Images of the pass that measures, on a heap-limited backend, the memory a training pass takes per image. */
const PROBE_IMAGES = 2;

/**
 * The images a thread runs through the model in one forward/backward pass: SOLVER.MICRO_BATCH, all of its
 * share where the backend's memory has no limit, or, on a heap-limited backend (wasm), what fits as measured
 * by one throw-away pass over the first batch. Says the plan once it is known.
 */
export class PassSize {
  private size: number | undefined;

  constructor(
    private readonly cfg: SSDConfig,
    private readonly model: SSDDetector,
    /** Bytes of the model's state (weights and buffers). */
    private readonly stateBytes: number,
    private readonly threads: number,
    private readonly log: (line: string) => void,
  ) {
    const asked = cfg.SOLVER.MICRO_BATCH;
    this.size = asked > 0 ? asked : HEAP_LIMITS.has(tf.getBackend()) ? undefined : Number.POSITIVE_INFINITY;
    if (this.size !== undefined) this.logPlan();
  }

  /** Images per pass (may be Infinity); the first call on a heap-limited backend measures it on `batch`. */
  of(batch: TrainBatch): number {
    if (this.size === undefined) {
      const probe = { start: 0, count: Math.min(PROBE_IMAGES, batch.batchSize) };
      const keptBytesPerImage = measureKeptBytes(this.model, batch, probe) / probe.count;
      const heap = HEAP_LIMITS.get(tf.getBackend())!;
      this.size = microBatchThatFits(keptBytesPerImage, this.stateBytes, heap);
      this.logPlan(` (${describeHeapUse(keptBytesPerImage, heap)})`);
    }
    return this.size;
  }

  private logPlan(why = ''): void {
    const batch = this.cfg.SOLVER.BATCH_SIZE;
    const size = Math.min(this.size!, batch);
    this.log(`SOLVER.BATCH_SIZE: ${describePlan(batch, this.threads, size, tf.getBackend())}${why}`);
  }
}
