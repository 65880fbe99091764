/** SSD's L2Norm: per-position L2 normalisation across channels times a learnable per-channel scale. */
import * as tf from '@tensorflow/tfjs-core';
import { constant } from './init';
import type { Module } from './module';
import type { Scope } from './state';

/** `weight` [C] starts at `scale` (20 for VGG's conv4_3). */
export class L2Norm implements Module {
  readonly weight: tf.Variable<tf.Rank.R1>;
  /** Added to the norm (not inside the square root), as the reference does. */
  static readonly EPS = 1e-10;

  constructor(scope: Scope, channels: number, scale: number) {
    this.weight = scope.param('weight', { shape: [channels], init: constant(scale) });
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const norm = tf.add(tf.sqrt(tf.sum(tf.square(x), 3, true)), L2Norm.EPS);
    return tf.mul(tf.div(x, norm), this.weight);
  }
}
