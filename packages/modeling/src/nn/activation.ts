/** Parameterless element-wise activations (they still occupy an index inside a `Sequential`). */
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** An activation tfjs can apply inside a fused convolution. */
export type FusableActivation = 'relu' | 'relu6';

/** An activation layer that a preceding convolution may absorb (see `Sequential`). */
export interface FusableActivationModule {
  readonly fusedActivation: FusableActivation;
}

/** nn.ReLU. */
export class ReLU<T extends tf.Tensor = tf.Tensor4D> implements Module<T>, FusableActivationModule {
  readonly fusedActivation = 'relu';

  forward(x: T): T {
    return tf.relu(x);
  }
}

/** nn.ReLU6: min(max(x, 0), 6). */
export class ReLU6<T extends tf.Tensor = tf.Tensor4D> implements Module<T>, FusableActivationModule {
  readonly fusedActivation = 'relu6';

  forward(x: T): T {
    return tf.relu6(x);
  }
}
