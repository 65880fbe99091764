/** nn.Identity: passes its input through; it still takes up an index inside a `Sequential`. */
import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** Returns its input unchanged. */
export class Identity<T extends tf.Tensor = tf.Tensor4D> implements Module<T> {
  forward(x: T): T {
    return x;
  }
}
