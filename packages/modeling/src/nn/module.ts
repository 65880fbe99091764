/**
 * The layer contract. A module's constructor declares its tensors in a `Scope` (so names follow the reference's
 * module tree); `forward` is a pure function of its input and those tensors, except that training-mode
 * BatchNorm also updates its running statistics. Callers own intermediate tensors (wrap calls in `tf.tidy`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FusableActivation, FusableActivationModule } from './activation';
import { BatchNorm2d } from './batch-norm';
import { Conv2d } from './conv';
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

function fusableActivation(layer: Module | undefined): FusableActivation | null {
  return (layer as Partial<FusableActivationModule> | undefined)?.fusedActivation ?? null;
}

/**
 * nn.Sequential / nn.ModuleList: child i is built under scope `i`, so parameterless layers (ReLU, pooling)
 * still take up an index exactly as in PyTorch. Runs Conv2d → [BatchNorm2d, inference only] → [ReLU/ReLU6]
 * as one fused convolution (BatchNorm folded into filter and bias): fewer passes over activations.
 */
export class Sequential implements Module {
  readonly layers: Module[];

  constructor(scope: Scope, factories: ModuleFactory[]) {
    this.layers = factories.map((make, i) => make(scope.child(i)));
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.forwardRange(x, ctx, 0, this.layers.length);
  }

  /**
   * Runs layers [start, end) only, for models that tap intermediate outputs (VGG conv4_3, MobileNet). Each
   * step runs in its own tf.tidy, so a step's intermediates are freed as it ends rather than with the caller's
   * scope: in a training pass, what the backward pass does not keep goes before the next layer allocates.
   */
  forwardRange(x: tf.Tensor4D, ctx: ForwardContext, start: number, end: number): tf.Tensor4D {
    let i = start;
    while (i < end) {
      const layer = this.layers[i++]!;
      const input = x;
      if (!(layer instanceof Conv2d)) {
        x = tf.tidy(() => layer.forward(input, ctx));
        continue;
      }
      const next = i < end ? this.layers[i] : undefined;
      const batchNorm = next instanceof BatchNorm2d ? next : null;
      if (batchNorm) i++;
      const activation = i < end ? fusableActivation(this.layers[i]) : null;
      if (activation) i++;
      x = tf.tidy(() => {
        // Inference folds BatchNorm into the convolution; training normalises with the batch's statistics,
        // the activation applied within BatchNorm's op (which then keeps only its input for the backward pass).
        if (!batchNorm || !ctx.training) {
          return layer.forwardFused(input, batchNorm, activation ?? 'linear', ctx.training);
        }
        return batchNorm.forwardActivated(layer.forward(input), ctx, activation ?? 'linear');
      });
    }
    return x;
  }
}
