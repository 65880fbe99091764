import type { SSDConfig } from '@ssd/config';
import type { TrainBatch } from '@ssd/data';
import type { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, StepLosses, StepRunner } from '../trainer/parts';
import { GradientAccumulator } from './accumulate';
import { PassSize } from './pass-size';
import { positivePriors, sharePasses, weighPasses } from './plan';
import type { SharedLayout } from './shared-state';

/**
 * Runs training steps on this thread: each batch in passes of at most the pass size (micro-batches), their
 * weighted gradients summed into one optimizer step, with the whole batch's loss and gradients (the MultiBox
 * loss's normalisation by positives is kept exactly).
 */
export class LocalStepRunner implements StepRunner {
  private readonly passSize: PassSize;

  constructor(
    cfg: SSDConfig,
    private readonly model: SSDDetector,
    private readonly optimizer: Optimizer,
    layout: SharedLayout,
    log: (line: string) => void,
  ) {
    this.passSize = new PassSize(cfg, model, layout.stateLength * 4, 1, log);
  }

  async step(batch: TrainBatch): Promise<StepLosses> {
    const share = { start: 0, count: batch.batchSize };
    const positives = positivePriors(batch.labels, batch.numPriors, share);
    const passes = sharePasses(share, this.passSize.of(batch));
    const work = weighPasses(passes, batch.labels, batch.numPriors, positives);
    const acc = new GradientAccumulator(this.model, share.count, work.length > 1);
    try {
      acc.addPasses(batch, work, null);
      const { grads, losses } = acc.finish();
      try {
        const [loss, reg, cls] = Array.from(await losses.data());
        if (Number.isFinite(loss)) this.optimizer.step(grads);
        return { loss: loss!, reg_loss: reg!, cls_loss: cls! };
      } finally {
        tf.dispose([losses, ...Object.values(grads)]);
      }
    } finally {
      acc.dispose();
    }
  }

  async close(): Promise<void> {}
}
