import * as tf from '@tensorflow/tfjs-core';
import { hardNegativeMask } from './hard-negative-mining';

/** The two MultiBox loss terms, each summed and divided by the number of positive priors in the batch. */
export interface MultiBoxLosses {
  regLoss: tf.Scalar;
  clsLoss: tf.Scalar;
}

function checkLossInputs(
  confidence: tf.Tensor,
  predictedLocations: tf.Tensor,
  labels: tf.Tensor,
  gtLocations: tf.Tensor,
): void {
  if (confidence.rank !== 3) {
    throw new Error(`multiBoxLoss: confidence must be [N, P, C], got shape [${confidence.shape}]`);
  }
  const [n, p] = confidence.shape;
  const expect: [string, tf.Tensor, number[]][] = [
    ['predictedLocations', predictedLocations, [n, p, 4]],
    ['labels', labels, [n, p]],
    ['gtLocations', gtLocations, [n, p, 4]],
  ];
  for (const [name, t, shape] of expect) {
    if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`multiBoxLoss: ${name} must have shape [${shape}], got [${t.shape}]`);
    }
  }
  if (labels.dtype !== 'int32') {
    throw new Error(`multiBoxLoss: labels must be int32, got ${labels.dtype}`);
  }
}

/**
 * The reference's MultiBoxLoss: Smooth L1 over positive priors and cross entropy over positives plus
 * hard-mined negatives (`negPosRatio` per positive, per image), both divided by the batch's positive
 * count. A batch without positives mines no negatives and has both losses 0 (the reference divides 0 by
 * 0 there). Computed entirely on the device (nothing is read back), differentiable in `confidence` and
 * `predictedLocations` once tfjs's gradients are registered (tfjs-core alone registers none);
 * `labels` is int32 `[N, P]`.
 */
export function multiBoxLoss(
  confidence: tf.Tensor,
  predictedLocations: tf.Tensor,
  labels: tf.Tensor,
  gtLocations: tf.Tensor,
  negPosRatio: number,
): MultiBoxLosses {
  checkLossInputs(confidence, predictedLocations, labels, gtLocations);
  const numClasses = confidence.shape[2]!;
  return tf.tidy(() => {
    const conf = confidence as tf.Tensor3D;
    const lab = labels as tf.Tensor2D;
    const positive = tf.greater(lab, 0);
    const numPos = tf.maximum(tf.sum(tf.cast(positive, 'float32')), 1);
    // tf.where instead of gathering the selected rows: the gather gradient needs UnsortedSegmentSum,
    // which the wasm backend lacks, and masking keeps non-finite unused targets out of the sums.
    const selected = tf.cast(hardNegativeMask(conf, lab, negPosRatio), 'bool');
    // int32 one-hot then a cast: the wasm OneHot kernel writes integer bits into float32 outputs.
    const target = tf.cast(tf.oneHot(lab, numClasses), 'float32');
    const crossEntropy = tf.neg(tf.sum(tf.mul(tf.logSoftmax(conf, -1), target), -1));
    const clsSum = tf.sum(tf.where(selected, crossEntropy, tf.zerosLike(crossEntropy)));

    const isPositive = tf.broadcastTo(tf.expandDims(positive, -1), predictedLocations.shape);
    const diff = tf.sub(predictedLocations, gtLocations);
    const absDiff = tf.abs(tf.where(isPositive, diff, tf.zerosLike(diff)));
    // Smooth L1 (beta 1) without a branch: 0.5·min(|d|,1)² + (|d| − min(|d|,1)).
    const inner = tf.minimum(absDiff, 1);
    const regSum = tf.sum(tf.add(tf.mul(tf.square(inner), 0.5), tf.sub(absDiff, inner)));
    return {
      regLoss: tf.div(regSum, numPos) as tf.Scalar,
      clsLoss: tf.div(clsSum, numPos) as tf.Scalar,
    };
  });
}
