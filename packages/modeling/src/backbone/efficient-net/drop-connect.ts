/** EfficientNet's drop-connect (stochastic depth on the residual branch). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * In training, zeroes the whole branch of each sample with probability `rate` and scales the kept ones by
 * 1 / (1 - rate) so the expectation is unchanged; outside training, or at rate 0, returns `x` itself.
 */
export function dropConnect(x: tf.Tensor4D, rate: number, training: boolean): tf.Tensor4D {
  if (!training || rate === 0) return x;
  const keep = 1 - rate;
  // floor(keep + U[0, 1)) is 1 with probability `keep`, else 0.
  const mask = tf.floor(tf.add(tf.randomUniform([x.shape[0], 1, 1, 1]), keep));
  return tf.mul(tf.div(x, keep), mask);
}
