import { availableParallelism } from 'node:os';
import type { Device, SSDConfig } from '@ssd/config';
import type { TrainBatch } from '@ssd/data';
import type { SSDDetector } from '@ssd/modeling';
import type { SGD } from '@ssd/solver';
import * as tf from '@tensorflow/tfjs-core';
import { GradientAccumulator, measureKeptBytes, modelBuffers, type ShareGradients } from './accumulate';
import { type AllGatherGroup, allGatherGroup, SharedAllGather, threadName } from './all-gather';
import { describeHeapUse, HEAP_LIMITS, microBatchThatFits } from './memory';
import {
  describePlan,
  equalPasses,
  type ImageRange,
  positivePriors,
  resolveTrainWorkers,
  sharePasses,
  splitEvenly,
  weighPasses,
} from './plan';
import { shareInputs } from './shared-inputs';
import { type SharedLayout, sharedLayout, slotView, writeSlots } from './shared-state';
import { TrainWorkers } from './worker-pool';

/** A step's loss values. */
export interface StepLosses {
  loss: number;
  reg_loss: number;
  cls_loss: number;
}

/** Options of `StepRunner.create`. */
export interface StepRunnerOptions {
  log: (line: string) => void;
  /**
   * Modules the workers load before building the model: packages that register the config's custom
   * components (a backbone, a box head). Resolved from the current directory.
   */
  workerImports?: string[];
  /** Cores to use when SOLVER.TRAIN_WORKERS is 0 (default: all). */
  cores?: number;
  /**
   * How long a thread waits at a synchronised BatchNorm layer for the others before the step fails (default
   * SYNC_TIMEOUT_MS).
   */
  syncTimeoutMs?: number;
}

/**
 * Default wait for the other threads at a BatchNorm layer: they run the same layers on equal shares, so a
 * wait is their imbalance between two layers; a minute means a thread is stuck.
 */
export const SYNC_TIMEOUT_MS = 60_000;

/** MODEL.DEVICE giving a worker the main thread's backend. */
const WORKER_DEVICES: Readonly<Record<string, Device>> = { wasm: 'wasm', cpu: 'js' };

/** Images of the pass that measures, on a heap-limited backend, the memory a training pass takes per image. */
const PROBE_IMAGES = 2;

/**
 * Runs training steps: each batch split over SOLVER.TRAIN_WORKERS threads (the main thread computes the first
 * share, worker threads the others) and within each thread into micro-batches, the weighted gradients summed
 * into one SGD step on the main thread. The loss and gradients equal the whole batch's (the MultiBox loss's
 * normalisation by positives is kept exactly). BatchNorm is synchronised across the threads: every thread
 * cuts its share into the same number of passes and the threads' k-th passes normalise with their joint
 * statistics, so in one pass per thread the step is the one-thread step; with several passes each is
 * normalised over the threads' k-th passes, and the running statistics become the image-weighted mean of the
 * main thread's passes' updates (each already the same on every thread).
 */
export class StepRunner {
  private inputs?: SharedArrayBuffer;
  private unsyncedLogged = false;

  private constructor(
    private readonly cfg: SSDConfig,
    private readonly model: SSDDetector,
    private readonly optimizer: SGD,
    private readonly log: (line: string) => void,
    private readonly threads: number,
    private readonly layout: SharedLayout,
    /** The model's state as the workers read it. */
    private readonly state: SharedArrayBuffer,
    private readonly pool: TrainWorkers | undefined,
    /** The main thread's end of synchronised BatchNorm (with workers and BatchNorm only). */
    private readonly sync: SharedAllGather | undefined,
    /** Images per pass; undefined until the first step measures it. */
    private microBatch: number | undefined,
  ) {}

  /** Plans the steps and starts the worker threads (on wasm and js, when more than one). */
  static async create(
    cfg: SSDConfig,
    model: SSDDetector,
    optimizer: SGD,
    options: StepRunnerOptions,
  ): Promise<StepRunner> {
    const backend = tf.getBackend();
    let threads = resolveTrainWorkers(cfg, backend, options.cores ?? availableParallelism());
    const layout = sharedLayout(model);
    const state = new SharedArrayBuffer(threads > 1 ? layout.stateLength * 4 : 0);
    let pool: TrainWorkers | undefined;
    let sync: SharedAllGather | undefined;
    if (threads > 1) {
      await writeSlots(model.stateDict(), layout.state, state);
      const group = batchNormGroup(layout, threads);
      const timeoutMs = options.syncTimeoutMs ?? SYNC_TIMEOUT_MS;
      try {
        pool = await TrainWorkers.start(threads - 1, {
          cfg,
          device: WORKER_DEVICES[backend]!,
          imports: (options.workerImports ?? []).map((m) => require.resolve(m, { paths: [process.cwd()] })),
          layout,
          state,
          batchNormSync: group && { group, timeoutMs },
        });
        if (group) {
          sync = new SharedAllGather(group, 0, timeoutMs);
          options.log(`BatchNorm: statistics synchronised over the ${threads} training threads`);
        }
      } catch (e) {
        // Workers the user asked for must start; the default falls back to this thread, saying why.
        if (cfg.SOLVER.TRAIN_WORKERS !== 0) throw e;
        options.log(`Training on the main thread alone: ${(e as Error).message}`);
        threads = 1;
      }
    }
    const asked = cfg.SOLVER.MICRO_BATCH;
    const micro = asked > 0 ? asked : HEAP_LIMITS.has(backend) ? undefined : Number.POSITIVE_INFINITY;
    const runner = new StepRunner(
      cfg,
      model,
      optimizer,
      options.log,
      threads,
      layout,
      state,
      pool,
      sync,
      micro,
    );
    if (micro !== undefined) runner.logPlan();
    return runner;
  }

  /** One SGD step on a batch; returns the losses (the update happens only if they are finite). */
  async step(batch: TrainBatch): Promise<StepLosses> {
    const n = batch.batchSize;
    const p = batch.numPriors;
    const shares = splitEvenly(0, n, Math.min(this.threads, n));
    const positives = positivePriors(batch.labels, p, { start: 0, count: n });
    // The first step on a heap-limited backend measures what a pass takes per image, which sizes every pass.
    if (this.microBatch === undefined) this.sizeMicroBatch(batch);
    const { passes, synced } = this.planPasses(shares, this.microBatch!);
    const work = passes.map((ranges) => weighPasses(ranges, batch.labels, p, positives));

    if (this.pool) await writeSlots(this.model.stateDict(), this.layout.state, this.state);
    const acc = new GradientAccumulator(this.model, shares[0]!.count, work[0]!.length > 1);
    let own: ShareGradients | undefined;
    try {
      let workers: Promise<number[][]> = Promise.resolve([]);
      if (this.pool) {
        this.inputs = shareInputs(batch, this.inputs);
        const shape = { iteration: batch.iteration, batchSize: n, imageSize: batch.imageSize, numPriors: p };
        workers = this.pool.run(
          work.slice(1).map((micro) => ({ inputs: this.inputs!, shape, micro, synced })),
        );
        // Awaited below; should this thread's share fail first, a worker's failure is not left unhandled.
        workers.catch(() => undefined);
      }
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
    await this.pool?.close();
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
    const outputs = this.pool!.outputs.slice(0, shares.length - 1);
    const trainable = this.model.trainableVariables();
    const grads: tf.NamedTensorMap = {};
    for (const slot of this.layout.grads) {
      const v = trainable.get(slot.key)!;
      const sum = Float32Array.from((await own.grads[v.name]!.data()) as Float32Array);
      for (const out of outputs) {
        const g = slotView(out, slot);
        for (let i = 0; i < sum.length; i++) sum[i]! += g[i]!;
      }
      grads[v.name] = tf.tensor(sum, slot.shape);
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

  /** Sizes the passes from one throw-away pass over the batch's first images (on this thread, unsynchronised). */
  private sizeMicroBatch(batch: TrainBatch): void {
    const probe = { start: 0, count: Math.min(PROBE_IMAGES, batch.batchSize) };
    const keptBytesPerImage = measureKeptBytes(this.model, batch, probe) / probe.count;
    const heap = HEAP_LIMITS.get(tf.getBackend())!;
    this.microBatch = microBatchThatFits(keptBytesPerImage, this.layout.stateLength * 4, heap);
    this.logPlan(` (${describeHeapUse(keptBytesPerImage, heap)})`);
  }

  private logPlan(why = ''): void {
    const batch = this.cfg.SOLVER.BATCH_SIZE;
    const size = Math.min(this.microBatch!, batch);
    this.log(`SOLVER.BATCH_SIZE: ${describePlan(batch, this.threads, size, tf.getBackend())}${why}`);
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
