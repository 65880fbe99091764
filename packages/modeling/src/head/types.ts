/** Contracts of box predictors and box heads. */
import type * as tf from '@tensorflow/tfjs-core';
import type { MultiBoxLosses } from '../loss/multibox-loss';
import type { ForwardContext } from '../nn';
import type { Detections } from '../postprocess/post-processor';

/** Raw network outputs, priors in (feature map, row, column, box) order (a type alias so tf.tidy can return it). */
export type PredictorOutput = {
  /** Class logits [N, P, NUM_CLASSES]. */
  readonly clsLogits: tf.Tensor3D;
  /** Encoded box regressions [N, P, 4]. */
  readonly bboxPred: tf.Tensor3D;
};

/** Training targets as the target transform encodes them, batched. */
export interface DetectionTargets {
  /** Encoded locations [N, P, 4] (float32). */
  readonly boxes: tf.Tensor3D;
  /** Class per prior, 0 = background [N, P] (int32). */
  readonly labels: tf.Tensor2D;
}

/** Turns backbone feature maps into per-prior class logits and box regressions. */
export interface BoxPredictor {
  forward(features: tf.Tensor4D[], ctx: ForwardContext): PredictorOutput;
}

/** The reference's box head: predictor, MultiBox loss and post-processing. */
export interface BoxHead {
  /** Runs the predictor. */
  predict(features: tf.Tensor4D[], ctx: ForwardContext): PredictorOutput;
  /** Training losses against encoded targets (differentiable in the predictions). */
  loss(predictions: PredictorOutput, targets: DetectionTargets): MultiBoxLosses;
  /** Detections per image, boxes in input pixels. */
  postProcess(predictions: PredictorOutput): Promise<Detections[]>;
}
