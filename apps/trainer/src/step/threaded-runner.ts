import type { SSDConfig } from '@ssd/config';
import type { TrainBatch } from '@ssd/data';
import type { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, StepLosses, StepRunner } from '../trainer/parts';
import { GradientAccumulator, modelBuffers, type ShareGradients } from './accumulate';
import { type AllGatherGroup, allGatherGroup, SharedAllGather, threadName } from './all-gather';
import { PassSize } from './pass-size';
import { equalPasses, type ImageRange, positivePriors, sharePasses, splitEvenly, weighPasses } from './plan';
import type { TrainWorkerInit } from './protocol';
import { shareInputs } from './shared-inputs';
import { copyValues, type SharedLayout, slotView, tensorCopy, writeSlots } from './shared-state';
import { TrainWorkers } from './train-workers';

/** Options of `ThreadedStepRunner.start`. */
export interface ThreadedRunnerOptions {
  log: (line: string) => void;
  /** Modules (resolved paths) the workers load before building the model. */
  imports: string[];
  /** MODEL.DEVICE that gives a worker the main thread's backend. */
  device: TrainWorkerInit['device'];
  /** How long a thread waits at a synchronised BatchNorm layer for the others before the step fails. */
  syncTimeoutMs: number;
}

/**
 * Runs training steps over threads: each batch split over SOLVER.TRAIN_WORKERS threads (this thread computes
 * the first share, worker threads the others) and within each thread into micro-batches, the weighted
 * gradients summed into one optimizer step on this thread. The loss and gradients equal the whole batch's
 * (the MultiBox loss's normalisation by positives is kept exactly). BatchNorm is synchronised across the
 * threads: every thread cuts its share into the same number of passes and the threads' k-th passes normalise
 * with their joint statistics, so in one pass per thread the step is the one-thread step; with several passes
 * each is normalised over the threads' k-th passes, and the running statistics become the image-weighted mean
 * of the main thread's passes' updates (each already the same on every thread).
 */
export class ThreadedStepRunner implements StepRunner {
  private inputs?: SharedArrayBuffer;
  /** Where the threads' gradients are summed, slot by slot. */
  private sums?: Float32Array;
  private unsyncedLogged = false;
  private readonly passSize: PassSize;

  private constructor(
    cfg: SSDConfig,
    private readonly model: SSDDetector,
    private readonly optimizer: Optimizer,
    private readonly log: (line: string) => void,
    private readonly threads: number,
    private readonly layout: SharedLayout,
    /** The model's state as the workers read it. */
    private readonly state: SharedArrayBuffer,
    private readonly pool: TrainWorkers,
    /** This thread's end of synchronised BatchNorm (for a model with BatchNorm). */
    private readonly sync: SharedAllGather | undefined,
  ) {
    this.passSize = new PassSize(cfg, model, layout.stateLength * 4, threads, log);
  }

  /** Starts `threads - 1` worker threads, each with a copy of the model; throws when one cannot start. */
  static async start(
    cfg: SSDConfig,
    model: SSDDetector,
    optimizer: Optimizer,
    layout: SharedLayout,
    threads: number,
    options: ThreadedRunnerOptions,
  ): Promise<ThreadedStepRunner> {
    const state = new SharedArrayBuffer(layout.stateLength * 4);
    await writeSlots(model.stateDict(), layout.state, state);
    const group = batchNormGroup(layout, threads);
    const pool = await TrainWorkers.start(threads - 1, {
      cfg,
      device: options.device,
      imports: options.imports,
      layout,
      state,
      batchNormSync: group && { group, timeoutMs: options.syncTimeoutMs },
    });
    let sync: SharedAllGather | undefined;
    if (group) {
      sync = new SharedAllGather(group, 0, options.syncTimeoutMs);
      options.log(`BatchNorm: statistics synchronised over the ${threads} training threads`);
    }
    return new ThreadedStepRunner(cfg, model, optimizer, options.log, threads, layout, state, pool, sync);
  }

  /** One optimizer step on a batch; returns the losses (the update happens only if they are finite). */
  async step(batch: TrainBatch): Promise<StepLosses> {
    const n = batch.batchSize;
    const p = batch.numPriors;
    const shares = splitEvenly(0, n, Math.min(this.threads, n));
    const positives = positivePriors(batch.labels, p, { start: 0, count: n });
    // The first step on a heap-limited backend measures what a pass takes per image, which sizes every pass.
    const { passes, synced } = this.planPasses(shares, this.passSize.of(batch));
    const work = passes.map((ranges) => weighPasses(ranges, batch.labels, p, positives));

    await writeSlots(this.model.stateDict(), this.layout.state, this.state);
    const acc = new GradientAccumulator(this.model, shares[0]!.count, work[0]!.length > 1);
    let own: ShareGradients | undefined;
    try {
      this.inputs = shareInputs(batch, this.inputs);
      const shape = { iteration: batch.iteration, batchSize: n, imageSize: batch.imageSize, numPriors: p };
      const workers = this.pool.run(
        work.slice(1).map((micro) => ({ inputs: this.inputs!, shape, micro, synced })),
      );
      // Awaited below; should this thread's share fail first, a worker's failure is not left unhandled.
      workers.catch(() => undefined);
      try {
        acc.addPasses(batch, work[0]!, synced ? this.sync! : null);
      } catch (e) {
        // Workers waiting for this thread's BatchNorm statistics fail at once instead of at their timeout.
        this.sync?.abort(`${threadName(0)} failed: ${(e as Error).message}`);
        throw e;
      }
      own = acc.finish();
      const workerLosses = await workers;
      const ownLosses = Array.from(await own.losses.data());
      const [loss, reg, cls] = workerLosses.reduce((sum, l) => sum.map((x, i) => x + l[i]!), ownLosses);
      const losses = { loss: loss!, reg_loss: reg!, cls_loss: cls! };
      const grads = workerLosses.length > 0 ? await this.combine(own, shares, synced) : own.grads;
      try {
        if (Number.isFinite(losses.loss)) this.optimizer.step(grads);
      } finally {
        if (grads !== own.grads) tf.dispose(Object.values(grads));
      }
      return losses;
    } finally {
      acc.dispose();
      if (own) tf.dispose([own.losses, ...Object.values(own.grads)]);
    }
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Each thread's passes, and whether BatchNorm synchronises them: every share in the same number of passes
   * when it can be (see equalPasses), otherwise each share in its own passes with BatchNorm per pass, said once.
   */
  private planPasses(shares: ImageRange[], size: number): { passes: ImageRange[][]; synced: boolean } {
    const equal = equalPasses(shares, size);
    if (equal) return { passes: equal, synced: this.sync !== undefined };
    if (this.sync && !this.unsyncedLogged) {
      this.unsyncedLogged = true;
      this.log(
        `BatchNorm: not synchronised in steps whose shares (${shares.map((s) => s.count).join(', ')} images) ` +
          `need different numbers of passes of ${size} image${size === 1 ? '' : 's'}: each pass normalises ` +
          'with its own statistics (set SOLVER.BATCH_SIZE to a multiple of SOLVER.TRAIN_WORKERS)',
      );
    }
    return { passes: shares.map((s) => sharePasses(s, size)), synced: false };
  }

  /**
   * Sums the main thread's gradients and the workers' (read from their shared outputs). The model's float
   * buffers stay the main thread's when BatchNorm was synchronised (every thread computed the same update),
   * and become the image-weighted mean of every share's otherwise.
   */
  private async combine(
    own: ShareGradients,
    shares: ImageRange[],
    synced: boolean,
  ): Promise<tf.NamedTensorMap> {
    const outputs = this.pool.outputs.slice(0, shares.length - 1);
    const trainable = this.model.trainableVariables();
    const grads: tf.NamedTensorMap = {};
    // One array for every sum, kept between steps: fresh pages each step would each cost a fault.
    this.sums ??= new Float32Array(Math.max(...this.layout.grads.map((slot) => slot.size)));
    for (const slot of this.layout.grads) {
      const v = trainable.get(slot.key)!;
      const sum = this.sums.subarray(0, slot.size);
      await copyValues(own.grads[v.name]!, sum);
      for (const out of outputs) {
        const g = slotView(out, slot);
        for (let i = 0; i < sum.length; i++) sum[i]! += g[i]!;
      }
      grads[v.name] = tensorCopy(sum, slot.shape, 'float32');
    }
    if (synced) return grads;
    const total = shares.reduce((a, s) => a + s.count, 0);
    const buffers = modelBuffers(this.model);
    for (const slot of this.layout.buffers) {
      const v = buffers.get(slot.key)!;
      const mean = Float32Array.from((await v.data()) as Float32Array, (x) => (x * shares[0]!.count) / total);
      for (const [i, out] of outputs.entries()) {
        const b = slotView(out, slot);
        const w = shares[i + 1]!.count / total;
        for (let j = 0; j < mean.length; j++) mean[j]! += b[j]! * w;
      }
      tf.tidy(() => v.assign(tf.tensor(mean, slot.shape)));
    }
    return grads;
  }
}

/**
 * Shared memory for synchronised BatchNorm over `threads` threads, sized for the widest layer (its forward
 * pass gathers a count, C means and C variances); none for a model without BatchNorm.
 */
function batchNormGroup(layout: SharedLayout, threads: number): AllGatherGroup | undefined {
  if (layout.buffers.length === 0) return undefined;
  const widest = Math.max(...layout.buffers.map((slot) => slot.size));
  return allGatherGroup(threads, 2 * widest + 1);
}
