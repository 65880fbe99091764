/** Sigmoid-gated activations used by MobileNetV3 (hard versions) and EfficientNet (swish). */
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** The hard sigmoid relu6(x + 3) / 6 (MobileNetV3's h_sigmoid). */
export function hardSigmoid<T extends tf.Tensor>(x: T): T {
  return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

/** MobileNetV3's h_swish: x · relu6(x + 3) / 6. */
export class HardSwish<T extends tf.Tensor = tf.Tensor4D> implements Module<T> {
  forward(x: T): T {
    return tf.mul(x, hardSigmoid(x));
  }
}

/** Swish / SiLU: x · sigmoid(x) (EfficientNet's `relu_fn`). */
export class Swish<T extends tf.Tensor = tf.Tensor4D> implements Module<T> {
  forward(x: T): T {
    return tf.mul(x, tf.sigmoid(x));
  }
}
