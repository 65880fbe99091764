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
}

/** A layer or block mapping one tensor to another (NHWC images by default). */
export interface Module<I extends tf.Tensor = tf.Tensor4D, O extends tf.Tensor = I> {
  forward(x: I, ctx: ForwardContext): O;
}

/** Builds a module under the scope it is given (its index or attribute name in the parent). */
export type ModuleFactory<I extends tf.Tensor = tf.Tensor4D, O extends tf.Tensor = I> = (
  scope: Scope,
) => Module<I, O>;

/**
 * nn.Sequential / nn.ModuleList: child i is built under scope `i`, so parameterless layers (ReLU, pooling)
 * still take up an index exactly as in PyTorch.
 */
export class Sequential implements Module {
  readonly layers: Module[];

  constructor(scope: Scope, factories: ModuleFactory[]) {
    this.layers = factories.map((make, i) => make(scope.child(i)));
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.forwardRange(x, ctx, 0, this.layers.length);
  }

  /** Runs layers [start, end) only, for models that tap intermediate outputs (VGG conv4_3, MobileNet). */
  forwardRange(x: tf.Tensor4D, ctx: ForwardContext, start: number, end: number): tf.Tensor4D {
    for (let i = start; i < end; i++) x = this.layers[i].forward(x, ctx);
    return x;
  }
}
