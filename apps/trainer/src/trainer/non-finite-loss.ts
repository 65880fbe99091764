import type { StepLosses } from './parts';

/** Training stopped because the loss stopped being a finite number. */
export class NonFiniteLossError extends Error {
  constructor(iteration: number, losses: StepLosses, lastCheckpoint: string | undefined) {
    super(
      `loss is not finite at iteration ${iteration} (reg_loss ${losses.reg_loss}, cls_loss ${losses.cls_loss}); ` +
        `training stopped. ${lastCheckpoint ? `The last good checkpoint is ${lastCheckpoint}.` : 'No checkpoint was saved.'} ` +
        "Check that batch's annotations (boxes of zero or negative size, labels out of range, images without objects); " +
        'if they are sound, the model diverged: try a lower SOLVER.LR or more SOLVER.WARMUP_ITERS.',
    );
    this.name = 'NonFiniteLossError';
  }
}
