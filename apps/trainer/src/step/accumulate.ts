import { nn, type SSDDetector } from '@ssd/modeling';
import { mixSeed } from '@ssd/random';
import * as tf from '@tensorflow/tfjs-core';
import type { SharedAllGather } from './all-gather';
import { forwardKeptBytes, leanGradients } from './backprop';
import type { ImageRange, MicroBatch } from './plan';
import { tensorCopy } from './shared-state';

/**
 * A training batch's arrays (`[N, S, S, 3]` images, `[N, P, 4]` box targets, `[N, P]` labels) and its 0-based
 * iteration, which seeds its random layers' draws.
 */
export interface BatchArrays {
  iteration: number;
  imageSize: number;
  numPriors: number;
  images: Float32Array;
  locations: Float32Array;
  labels: Int32Array;
}

/** What one thread's share of a batch gave: gradients by tfjs variable name, and weighted losses. */
export interface ShareGradients {
  grads: tf.NamedTensorMap;
  /** `[loss, reg_loss, cls_loss]`, each weighted by the share's part of the batch's loss. */
  losses: tf.Tensor1D;
}

/** The model's non-trainable tensors (BatchNorm's running statistics and batch counters), by state key. */
export function modelBuffers(model: SSDDetector): Map<string, tf.Variable> {
  const trainable = model.trainableVariables();
  return new Map([...model.stateDict()].filter(([key]) => !trainable.has(key)));
}

/**
 * Sums the weighted gradients of a share's micro-batches. Each micro-batch starts from the same buffers
 * (running statistics), and the share ends with their image-weighted mean: the running mean the whole share
 * would give; the running variance lacks the spread between micro-batches' means (each micro-batch's
 * forward pass normalises with its own batch statistics, as a smaller batch would).
 */
export class GradientAccumulator {
  private readonly vars: tf.Variable[];
  private readonly buffers: [tf.Variable, tf.Tensor][];
  private grads?: tf.Tensor[];
  private losses?: tf.Tensor1D;
  private meanBuffers?: tf.Tensor[];
  private passes = 0;

  /**
   * `shareImages`: the images this accumulator will see in all, which weight the running statistics;
   * `multiPass`: whether it will see more than one micro-batch (one pass needs no copies of the buffers).
   */
  constructor(
    private readonly model: SSDDetector,
    private readonly shareImages: number,
    private readonly multiPass: boolean,
  ) {
    this.vars = [...model.trainableVariables().values()];
    this.buffers = multiPass ? [...modelBuffers(model).values()].map((v) => [v, tf.clone(v)]) : [];
  }

  /** Adds one micro-batch's gradients. */
  add(batch: BatchArrays, mb: MicroBatch): void {
    this.passes++;
    if (this.passes > 1 && !this.multiPass) {
      throw new Error('GradientAccumulator: a second micro-batch in a single-pass accumulator');
    }
    if (this.passes > 1) this.restoreBuffers();
    const { grads, losses } = tf.tidy(() => {
      const { images, targets } = passTensors(batch, mb);
      let parts: tf.Tensor1D | undefined;
      const { grads } = leanGradients(() => {
        const { regLoss, clsLoss } = this.model.loss(images, targets, passDraws(this.model, batch, mb));
        const total = tf.add(regLoss, clsLoss);
        parts = tf.keep(tf.mul(tf.stack([total, regLoss, clsLoss]), mb.weight) as tf.Tensor1D);
        return tf.mul(total, mb.weight) as tf.Scalar;
      }, this.vars);
      return { grads: this.vars.map((v, i) => grads[i] ?? tf.zerosLike(v)), losses: parts! };
    });
    this.grads = this.sum(this.grads, grads);
    [this.losses] = this.sum(this.losses && [this.losses], [losses]) as [tf.Tensor1D];
    if (this.multiPass) {
      const share = mb.count / this.shareImages;
      const weighted = this.buffers.map(([v]) => (v.dtype === 'float32' ? tf.mul(v, share) : tf.clone(v)));
      this.meanBuffers = this.sum(this.meanBuffers, weighted);
    }
  }

  /**
   * Adds this thread's passes of a step, training-mode BatchNorm combining its statistics with the other
   * threads' through `sync` (null: each pass normalises alone).
   */
  addPasses(batch: BatchArrays, passes: MicroBatch[], sync: SharedAllGather | null): void {
    sync?.beginStep();
    for (const mb of passes) nn.withBatchNormSync(sync, () => this.add(batch, mb));
  }

  /**
   * The summed gradients and losses (the caller disposes them); the model's float buffers take the mean of
   * the micro-batches' (integer counters keep one pass's count).
   */
  finish(): ShareGradients {
    if (!this.grads || !this.losses) throw new Error('GradientAccumulator: no micro-batch added');
    if (this.meanBuffers) {
      for (const [i, [v]] of this.buffers.entries()) {
        if (v.dtype === 'float32') v.assign(this.meanBuffers[i]!);
      }
    }
    const grads: tf.NamedTensorMap = {};
    for (const [i, v] of this.vars.entries()) grads[v.name] = this.grads[i]!;
    const out = { grads, losses: this.losses };
    this.grads = undefined;
    this.losses = undefined;
    this.dispose();
    return out;
  }

  /** Sets the model's buffers back to what they were before the first micro-batch (multi-pass only). */
  restoreBuffers(): void {
    for (const [v, start] of this.buffers) v.assign(start);
  }

  /** Frees what the accumulator holds (after `finish`, only its own copies; after an error, everything). */
  dispose(): void {
    tf.dispose([...(this.grads ?? []), ...(this.losses ? [this.losses] : []), ...(this.meanBuffers ?? [])]);
    tf.dispose(this.buffers.map(([, start]) => start));
    this.grads = undefined;
    this.losses = undefined;
    this.meanBuffers = undefined;
    this.buffers.length = 0;
  }

  /** Element-wise sums, freeing the addends; the first call takes `next` as it is. */
  private sum(acc: tf.Tensor[] | undefined, next: tf.Tensor[]): tf.Tensor[] {
    if (!acc) return next;
    const out = acc.map((a, i) => tf.add(a, next[i]!));
    tf.dispose([...acc, ...next]);
    return out;
  }
}

/** A pass's images `[n, S, S, 3]`, box targets `[n, P, 4]` and labels `[n, P]`, from the batch's arrays. */
function passTensors(batch: BatchArrays, range: ImageRange) {
  const { imageSize: s, numPriors: p } = batch;
  const [from, to] = [range.start, range.start + range.count];
  return {
    images: tensorCopy(
      batch.images.subarray(from * s * s * 3, to * s * s * 3),
      [range.count, s, s, 3],
      'float32',
    ) as tf.Tensor4D,
    targets: {
      boxes: tensorCopy(
        batch.locations.subarray(from * p * 4, to * p * 4),
        [range.count, p, 4],
        'float32',
      ) as tf.Tensor3D,
      labels: tensorCopy(batch.labels.subarray(from * p, to * p), [range.count, p], 'int32') as tf.Tensor2D,
    },
  };
}

/**
 * The pass's share of its batch's draws, seeded by (SEED, iteration): any split of the batch, on any backend,
 * and a resumed run draw what the whole batch would.
 */
function passDraws(model: SSDDetector, batch: BatchArrays, range: ImageRange): nn.TrainingDraws {
  return nn.batchDraws(mixSeed(model.cfg.SEED, batch.iteration), range.start, range.count);
}

/**
 * Bytes a training pass over `range` keeps for its backward pass, measured by a forward pass alone whose tape
 * is dropped; the model's buffers (running statistics) are restored after it.
 */
export function measureKeptBytes(model: SSDDetector, batch: BatchArrays, range: ImageRange): number {
  const buffers = [...modelBuffers(model).values()].map((v) => [v, tf.clone(v)] as const);
  try {
    return tf.tidy(() => {
      const { images, targets } = passTensors(batch, range);
      return forwardKeptBytes(() => {
        const { regLoss, clsLoss } = model.loss(images, targets, passDraws(model, batch, range));
        return tf.add(regLoss, clsLoss);
      });
    });
  } finally {
    for (const [v, start] of buffers) v.assign(start);
    tf.dispose(buffers.map(([, start]) => start));
  }
}
