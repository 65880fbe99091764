/** WarmupMultiStepLR settings, as the reference's SOLVER keys give them. */
export interface WarmupMultiStepOptions {
  baseLr: number;
  milestones: readonly number[];
  gamma: number;
  warmupFactor: number;
  warmupIters: number;
}

/** The scheduler's state for a checkpoint. */
export interface LRSchedulerState {
  lastEpoch: number;
}

/** Something with a learning rate the scheduler drives. */
export interface HasLearningRate {
  lr: number;
}

/**
 * The reference's WarmupMultiStepLR: the LR at step t is
 * base · warmup(t) · gamma^(number of milestones ≤ t), where warmup rises linearly from
 * WARMUP_FACTOR at t = 0 to 1 at t = WARMUP_ITERS. Like PyTorch, construction applies step 0 and
 * each `step()` advances by one.
 */
export class WarmupMultiStepLR {
  private epoch = 0;

  constructor(
    private readonly optimizer: HasLearningRate,
    private readonly options: WarmupMultiStepOptions,
  ) {
    for (let i = 1; i < options.milestones.length; i++) {
      if (options.milestones[i]! < options.milestones[i - 1]!) {
        throw new Error(`SOLVER.LR_STEPS must be increasing, got [${options.milestones}]`);
      }
    }
    optimizer.lr = this.lrAt(0);
  }

  /** The learning rate at step `t`. */
  lrAt(t: number): number {
    const { baseLr, milestones, gamma, warmupFactor, warmupIters } = this.options;
    let warmup = 1;
    if (t < warmupIters) {
      const alpha = t / warmupIters;
      warmup = warmupFactor * (1 - alpha) + alpha;
    }
    const decays = milestones.filter((m) => m <= t).length;
    return baseLr * warmup * gamma ** decays;
  }

  /** Advances one step and sets the optimizer's learning rate. */
  step(): void {
    this.epoch += 1;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  /** The step count so far. */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** A copy of the state (for checkpoints). */
  state(): LRSchedulerState {
    return { lastEpoch: this.epoch };
  }

  /** Restores `state()` and sets the optimizer's learning rate to match. */
  loadState(state: LRSchedulerState): void {
    this.epoch = state.lastEpoch;
    this.optimizer.lr = this.lrAt(this.epoch);
  }
}
