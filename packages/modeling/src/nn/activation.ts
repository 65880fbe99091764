/** Parameterless element-wise activations (they still occupy an index inside a `Sequential`). */
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** nn.ReLU. */
export class ReLU<T extends tf.Tensor = tf.Tensor4D> implements Module<T> {
  forward(x: T): T {
    return tf.relu(x);
  }
}

/** nn.ReLU6: min(max(x, 0), 6). */
export class ReLU6<T extends tf.Tensor = tf.Tensor4D> implements Module<T> {
  forward(x: T): T {
    return tf.relu6(x);
  }
}
