import type { Checkpointer } from '@ssd/engine';
import type { SSDDetector } from '@ssd/modeling';
import type { EventStorage } from './event-storage';
import type { LrScheduler, Optimizer } from './parts';

/** What hooks can reach of the training run (the Trainer). */
export interface TrainContext {
  readonly model: SSDDetector;
  readonly optimizer: Optimizer;
  readonly scheduler: LrScheduler;
  /** Where checkpoints go, when the run keeps them. */
  readonly checkpointer?: Checkpointer;
  /** What the loop and the hooks measured; writers read it. */
  readonly storage: EventStorage;
  /** Iterations done before this run (a resumed run's checkpoint). */
  readonly startIter: number;
  /** The iteration training stops after. */
  readonly maxIter: number;
  /**
   * The current iteration, 1-based: in `beforeStep` the one about to run, in `afterStep` the one just done,
   * in `afterTrain` the last one done.
   */
  readonly iter: number;
  /** Whether training reached `maxIter` (false while it runs, and when stopped early). */
  readonly finished: boolean;
  /** Prints a line (above the progress bar on a terminal). */
  log(line: string): void;
}

/**
 * A piece of the training loop (detectron2's HookBase): checkpointing, evaluation, writing what the storage
 * holds. Hooks run in list order at each point; override what you need. `afterTrain` runs when training
 * ends or is stopped (`ctx.finished` tells which), not when a step throws.
 */
export abstract class Hook {
  beforeTrain(_ctx: TrainContext): void | Promise<void> {}
  beforeStep(_ctx: TrainContext): void | Promise<void> {}
  afterStep(_ctx: TrainContext): void | Promise<void> {}
  afterTrain(_ctx: TrainContext): void | Promise<void> {}
}
