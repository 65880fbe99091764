import { availableParallelism } from 'node:os';
import type { Device, SSDConfig } from '@ssd/config';
import type { TrainBatch } from '@ssd/data';
import type { SSDDetector } from '@ssd/modeling';
import type { SGD } from '@ssd/solver';
import * as tf from '@tensorflow/tfjs-core';
import { GradientAccumulator, modelBuffers, type ShareGradients } from './accumulate';
import { describeHeapUse, HEAP_LIMITS, microBatchThatFits } from './memory';
import {
  describePlan,
  type ImageRange,
  type MicroBatch,
  microBatches,
  positivePriors,
  resolveTrainWorkers,
  splitEvenly,
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
}

/** MODEL.DEVICE giving a worker the main thread's backend. */
const WORKER_DEVICES: Readonly<Record<string, Device>> = { wasm: 'wasm', cpu: 'js' };

/** Images of the first micro-batch on a heap-limited backend, which measures what an image takes. */
const PROBE_IMAGES = 2;

/**
 * Runs training steps: each batch split over SOLVER.TRAIN_WORKERS threads (the main thread computes the first
 * share, worker threads the others) and within each thread into micro-batches, the weighted gradients summed
 * into one SGD step on the main thread. The loss and gradients equal the whole batch's (the MultiBox loss's
 * normalisation by positives is kept exactly), except that BatchNorm normalises each micro-batch with its own
 * statistics; the running statistics become the image-weighted mean of every micro-batch's update.
 */
export class StepRunner {
  private inputs?: SharedArrayBuffer;

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
    const hasBatchNorm = modelBuffers(model).size > 0;
    let threads = resolveTrainWorkers(cfg, backend, options.cores ?? availableParallelism(), hasBatchNorm);
    const layout = sharedLayout(model);
    const state = new SharedArrayBuffer(threads > 1 ? layout.stateLength * 4 : 0);
    let pool: TrainWorkers | undefined;
    if (threads > 1) {
      await writeSlots(model.stateDict(), layout.state, state);
      try {
        pool = await TrainWorkers.start(threads - 1, {
          cfg,
          device: WORKER_DEVICES[backend]!,
          imports: (options.workerImports ?? []).map((m) => require.resolve(m, { paths: [process.cwd()] })),
          layout,
          state,
        });
      } catch (e) {
        // Workers the user asked for must start; the default falls back to this thread, saying why.
        if (cfg.SOLVER.TRAIN_WORKERS !== 0) throw e;
        options.log(`Training on the main thread alone: ${(e as Error).message}`);
        threads = 1;
      }
    }
    const asked = cfg.SOLVER.MICRO_BATCH;
    const micro = asked > 0 ? asked : HEAP_LIMITS.has(backend) ? undefined : Number.POSITIVE_INFINITY;
    const runner = new StepRunner(cfg, model, optimizer, options.log, threads, layout, state, pool, micro);
    if (micro !== undefined) runner.logPlan();
    return runner;
  }

  /** One SGD step on a batch; returns the losses (the update happens only if they are finite). */
  async step(batch: TrainBatch): Promise<StepLosses> {
    const n = batch.batchSize;
    const p = batch.numPriors;
    const shares = splitEvenly(0, n, Math.min(this.threads, n));
    const positives = positivePriors(batch.labels, p, { start: 0, count: n });
    const micro = (share: ImageRange, size: number): MicroBatch[] =>
      microBatches(share, Math.min(size, share.count), batch.labels, p, positives);

    if (this.pool) await writeSlots(this.model.stateDict(), this.layout.state, this.state);
    const first = shares[0]!;
    const probing = this.microBatch === undefined;
    const multiPass = probing ? first.count > PROBE_IMAGES + 1 : first.count > this.microBatch!;
    const acc = new GradientAccumulator(this.model, first.count, multiPass);
    let own: ShareGradients | undefined;
    try {
      let rest = first;
      if (probing) {
        // The first pass measures the memory an image takes, which sizes every later pass.
        // Never leaving a single image for the next pass: BatchNorm cannot train on one image's 1×1 maps.
        const count = rest.count <= PROBE_IMAGES + 1 ? rest.count : PROBE_IMAGES;
        const probe = { start: rest.start, count };
        const kept = acc.add(batch, micro(probe, probe.count)[0]!);
        this.sizeMicroBatch(kept / probe.count);
        rest = { start: rest.start + probe.count, count: rest.count - probe.count };
      }
      const size = this.microBatch!;
      let workers: Promise<number[][]> = Promise.resolve([]);
      if (this.pool) {
        this.inputs = shareInputs(batch, this.inputs);
        const shape = { iteration: batch.iteration, batchSize: n, imageSize: batch.imageSize, numPriors: p };
        workers = this.pool.run(
          shares.slice(1).map((s) => ({ inputs: this.inputs!, shape, micro: micro(s, size) })),
        );
        // Awaited below; should this thread's share fail first, a worker's failure is not left unhandled.
        workers.catch(() => undefined);
      }
      if (rest.count > 0) for (const mb of micro(rest, size)) acc.add(batch, mb);
      own = acc.finish();
      const workerLosses = await workers;
      const ownLosses = Array.from(await own.losses.data());
      const [loss, reg, cls] = workerLosses.reduce((sum, l) => sum.map((x, i) => x + l[i]!), ownLosses);
      const losses = { loss: loss!, reg_loss: reg!, cls_loss: cls! };
      const grads = workerLosses.length > 0 ? await this.combine(own, shares) : own.grads;
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
   * Sums the main thread's gradients and the workers' (read from their shared outputs) and sets the model's
   * float buffers to the image-weighted mean of every share's.
   */
  private async combine(own: ShareGradients, shares: ImageRange[]): Promise<tf.NamedTensorMap> {
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

  private sizeMicroBatch(keptBytesPerImage: number): void {
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
