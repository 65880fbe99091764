import type { Checkpointer } from '@ssd/engine';
import type { SSDDetector } from '@ssd/modeling';
import { EventStorage } from './event-storage';
import type { Hook, TrainContext } from './hook';
import { NonFiniteLossError } from './non-finite-loss';
import type { DataLoader, LrScheduler, Optimizer, StepRunner } from './parts';

/** What a Trainer is built from. */
export interface TrainerParts {
  model: SSDDetector;
  /** Batches from iteration `startIter` on. */
  dataLoader: DataLoader;
  optimizer: Optimizer;
  scheduler: LrScheduler;
  /** Computes each step's gradients and applies the optimizer (`createStepRunner`). */
  runner: StepRunner;
  /** Where checkpoints go (hooks save there; a non-finite loss names its latest). */
  checkpointer?: Checkpointer;
}

/** How a Trainer runs. */
export interface TrainerOptions {
  /** Iterations already done (a resumed run's checkpoint); default 0. */
  startIter?: number;
  /** The iteration to stop after. */
  maxIter: number;
  hooks?: readonly Hook[];
  /** Aborting stops after the current iteration; hooks' `afterTrain` still runs (and saves, by default). */
  signal?: AbortSignal;
  /** Prints a line; default console.log. */
  log?: (line: string) => void;
}

/** How a Trainer's run ended. */
export interface TrainerResult {
  /** Iterations done. */
  iteration: number;
  /** False when stopped early by the signal (or a data loader that ran out). */
  finished: boolean;
}

/**
 * The training loop (detectron2's TrainerBase with SimpleTrainer's step): from `startIter` to `maxIter`, each
 * iteration takes the data loader's next batch, has the runner compute the step, puts the losses, learning
 * rate and times into the event storage, steps the scheduler, and runs the hooks around it. It owns none of
 * its parts: the caller builds, resumes and disposes them.
 */
export class Trainer implements TrainContext {
  readonly model: SSDDetector;
  readonly optimizer: Optimizer;
  readonly scheduler: LrScheduler;
  readonly checkpointer?: Checkpointer;
  readonly storage: EventStorage;
  readonly startIter: number;
  readonly maxIter: number;
  readonly hooks: readonly Hook[];
  private readonly dataLoader: DataLoader;
  private readonly runner: StepRunner;
  private readonly signal?: AbortSignal;
  private readonly print: (line: string) => void;
  private current: number;
  private done = false;

  constructor(parts: TrainerParts, options: TrainerOptions) {
    this.model = parts.model;
    this.dataLoader = parts.dataLoader;
    this.optimizer = parts.optimizer;
    this.scheduler = parts.scheduler;
    this.runner = parts.runner;
    this.checkpointer = parts.checkpointer;
    this.startIter = options.startIter ?? 0;
    this.maxIter = options.maxIter;
    if (!(Number.isInteger(this.startIter) && this.startIter >= 0 && this.startIter <= this.maxIter)) {
      throw new Error(
        `Trainer: startIter ${this.startIter} must be an integer in [0, maxIter ${this.maxIter}]`,
      );
    }
    this.hooks = [...(options.hooks ?? [])];
    this.signal = options.signal;
    this.print = options.log ?? ((l) => console.log(l));
    this.current = this.startIter;
    this.storage = new EventStorage(this.startIter);
  }

  get iter(): number {
    return this.current;
  }

  get finished(): boolean {
    return this.done;
  }

  log(line: string): void {
    this.print(line);
  }

  /** Runs the loop; rejects with a step's or a hook's error (a non-finite loss: NonFiniteLossError). */
  async train(): Promise<TrainerResult> {
    this.done = this.current >= this.maxIter;
    for (const h of this.hooks) await h.beforeTrain(this);
    const batches = this.dataLoader[Symbol.asyncIterator]();
    try {
      let last = performance.now();
      while (this.current < this.maxIter) {
        const next = await batches.next();
        if (next.done) break;
        const batch = next.value;
        const dataTime = (performance.now() - last) / 1000;
        if (batch.iteration !== this.current) {
          throw new Error(
            `the data loader gave the batch of iteration ${batch.iteration + 1} for iteration ${this.current + 1}: ` +
              `start it at the trainer's startIter (${this.startIter})`,
          );
        }
        this.current += 1;
        this.storage.iter = this.current;
        for (const h of this.hooks) await h.beforeStep(this);
        const lr = this.optimizer.lr;
        const losses = await this.runner.step(batch);
        if (![losses.loss, losses.reg_loss, losses.cls_loss].every(Number.isFinite)) {
          throw new NonFiniteLossError(this.current, losses, this.checkpointer?.lastCheckpoint());
        }
        this.scheduler.step();
        const time = (performance.now() - last) / 1000;
        this.storage.putScalar('lr', lr, { smoothingHint: false });
        this.storage.putScalars({ ...losses, time, data_time: dataTime });
        for (const h of this.hooks) await h.afterStep(this);
        // A macrotask turn lets signal handlers (Ctrl-C) and worker messages run: with batches already
        // prefetched, the awaits above only ever queue microtasks.
        await new Promise((resolve) => setImmediate(resolve));
        last = performance.now();
        if (this.signal?.aborted) break;
      }
    } finally {
      // Stops the loader's workers, however the loop ended.
      await batches.return?.();
    }
    this.done = this.current >= this.maxIter;
    for (const h of this.hooks) await h.afterTrain(this);
    return { iteration: this.current, finished: this.done };
  }
}
