/** EfficientNet's drop-connect (stochastic depth on the residual branch). */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../../nn';

/**
 * In training, zeroes the whole branch of each sample with probability `rate` and scales the kept ones by
 * 1 / (1 - rate) so the expectation is unchanged; outside training, or at rate 0, returns `x` itself. Draws
 * from `ctx.draws` at `site` (the block's index) when the context has them.
 */
export function dropConnect(x: tf.Tensor4D, rate: number, ctx: ForwardContext, site: number): tf.Tensor4D {
  if (!ctx.training || rate === 0) return x;
  const keep = 1 - rate;
  const n = x.shape[0];
  const uniform = ctx.draws
    ? tf.tensor4d(ctx.draws.perImage(site), [n, 1, 1, 1])
    : tf.randomUniform([n, 1, 1, 1]);
  // floor(keep + U[0, 1)) is 1 with probability `keep`, else 0.
  const mask = tf.floor(tf.add(uniform, keep));
  return tf.mul(tf.div(x, keep), mask);
}
