/** nn.Sequential / nn.ModuleList. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Module, ModuleFactory } from './module';
import { runLayers } from './run-layers';
import type { Scope } from './state';

/**
 * Child i is built under scope `i`, so parameterless layers (ReLU, pooling) still take up an index exactly as
 * in PyTorch. Runs its layers with `runLayers` (Conv2d → BatchNorm2d → ReLU fused at inference).
 */
export class Sequential implements Module {
  readonly layers: Module[];

  constructor(scope: Scope, factories: ModuleFactory[]) {
    this.layers = factories.map((make, i) => make(scope.child(i)));
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return runLayers(this.layers, x, ctx);
  }

  /** Runs layers [start, end) only, for callers that tap intermediate outputs. */
  forwardRange(x: tf.Tensor4D, ctx: ForwardContext, start: number, end: number): tf.Tensor4D {
    return runLayers(this.layers, x, ctx, start, end);
  }
}
