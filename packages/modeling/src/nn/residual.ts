/** A residual block: a branch whose output has the input added back when the shapes allow. */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Module } from './module';

/**
 * `branch(x)`, plus `x` when `residual` (the block keeps stride and width), as MobileNets' inverted residuals
 * are. Exporters handle every subclass through this one class.
 */
export class Residual<B extends Module = Module> implements Module {
  constructor(
    readonly branch: B,
    readonly residual: boolean,
  ) {}

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const y = this.branch.forward(x, ctx);
    return this.residual ? tf.add(y, x) : y;
  }
}
