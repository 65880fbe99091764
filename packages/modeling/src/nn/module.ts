/**
 * The layer contract. A module's constructor declares its tensors in a `Scope` (so names follow the reference's
 * module tree); `forward` is a pure function of its input and those tensors, except that training-mode
 * BatchNorm also updates its running statistics. Callers own intermediate tensors (wrap calls in `tf.tidy`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Scope } from './state';

/** Per-call options passed down the module tree. */
export interface ForwardContext {
  /** Training mode: BatchNorm uses (and records) batch statistics. */
  readonly training: boolean;
  /**
   * Where random layers (drop-connect) draw in training: seeded, so a step is the same on every backend and
   * in any split of its batch. Without it they draw from tfjs's own generator, which differs per backend.
   */
  readonly draws?: TrainingDraws;
}

/** Seeded random numbers for a training pass's random layers. */
export interface TrainingDraws {
  /** One uniform number in [0, 1) per image of the pass, for the random layer numbered `site`. */
  perImage(site: number): Float32Array;
}

/** A layer or block mapping one tensor to another (NHWC images by default). */
export interface Module<I extends tf.Tensor = tf.Tensor4D, O extends tf.Tensor = I> {
  forward(x: I, ctx: ForwardContext): O;
}

/** Builds a module under the scope it is given (its index or attribute name in the parent). */
export type ModuleFactory<I extends tf.Tensor = tf.Tensor4D, O extends tf.Tensor = I> = (
  scope: Scope,
) => Module<I, O>;
