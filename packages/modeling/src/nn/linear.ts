/** nn.Linear on [N, in] tensors (PyTorch weight [out, in], stored here as [in, out]). */
import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from './init';
import type { Module } from './module';
import type { Scope } from './state';

/** Construction options; defaults are PyTorch's. */
export interface LinearOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias?: boolean;
  /** Overrides the scope's `linearWeight` initialiser. */
  readonly weightInit?: Initializer;
  /** Overrides the scope's `linearBias` initialiser. */
  readonly biasInit?: Initializer;
}

/** y = x·Wᵀ + b. */
export class Linear implements Module<tf.Tensor2D> {
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;

  constructor(scope: Scope, opts: LinearOptions) {
    const torchShape = [opts.outFeatures, opts.inFeatures];
    this.weight = scope.param('weight', {
      shape: [opts.inFeatures, opts.outFeatures],
      torchShape,
      layout: 'linear',
      init: opts.weightInit ?? scope.init.linearWeight,
    });
    this.bias =
      opts.bias === false
        ? null
        : scope.param('bias', {
            shape: [opts.outFeatures],
            init: opts.biasInit ?? scope.init.linearBias,
            fanShape: torchShape,
          });
  }

  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.weight, bias: this.bias ?? undefined }) as tf.Tensor2D;
  }
}
