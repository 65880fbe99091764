/** The contract between a backbone and the box head. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../nn';

/**
 * Maps a batch of mean-subtracted NHWC images to the feature maps the box predictor reads, one per entry of
 * MODEL.PRIORS.FEATURE_MAPS, with MODEL.BACKBONE.OUT_CHANNELS channels each.
 */
export interface Backbone {
  forward(images: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D[];
}
