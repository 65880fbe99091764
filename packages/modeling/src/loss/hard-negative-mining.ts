import * as tf from '@tensorflow/tfjs-core';

/**
 * Hard negative mining per image on the device, like the reference: keeps every positive prior (label > 0)
 * and the `negPosRatio × numPositives` background priors with the highest background loss
 * (`-log_softmax(confidence)[..., 0]`), ties going to the lower prior index. `confidence` is `[N, P, C]`,
 * `labels` int32 `[N, P]`; returns the kept-prior mask `[N, P]` as float32 (1 = used by the loss).
 * No gradient flows through the selection, and nothing is read back to the CPU.
 */
export function hardNegativeMask(
  confidence: tf.Tensor3D,
  labels: tf.Tensor2D,
  negPosRatio: number,
): tf.Tensor2D {
  // A customGrad forward runs off the tape, so the sort needs no gradient; the mask's gradient is zero.
  const mine = tf.customGrad((...args: unknown[]) => {
    const conf = args[0] as tf.Tensor3D;
    return {
      value: tf.tidy(() => selectPriors(conf, labels, negPosRatio)),
      gradFunc: () => tf.zerosLike(conf),
    };
  }) as (conf: tf.Tensor3D) => tf.Tensor2D;
  return mine(confidence);
}

/**
 * The selection itself. Ranking by (loss descending, index ascending) puts the k-th hardest negative at
 * sorted position k − 1 (positives rank last at −∞, as in the reference); a negative is kept exactly when it
 * sorts at or before that one: a larger loss, or the same loss at a lower or equal index.
 */
function selectPriors(confidence: tf.Tensor3D, labels: tf.Tensor2D, negPosRatio: number): tf.Tensor2D {
  const [numImages, numPriors] = labels.shape;
  const positive = tf.greater(labels, 0);
  const background = tf.sub(
    tf.logSumExp(confidence, -1),
    tf.squeeze(tf.slice(confidence, [0, 0, 0], [-1, -1, 1]), [-1]),
  );
  const loss = tf.where(positive, tf.fill([numImages, numPriors], Number.NEGATIVE_INFINITY), background);
  const sorted = tf.topk(loss, numPriors, true);
  // As the reference's `rank < numPos × ratio`: a fractional ratio keeps the ceiling.
  const numNeg = tf.cast(
    tf.ceil(tf.mul(tf.sum(tf.cast(positive, 'float32'), -1, true), negPosRatio)),
    'int32',
  );
  // Position of the last negative kept (clamped; images with numNeg = 0 keep none).
  const last = tf.clipByValue(tf.sub(numNeg, tf.scalar(1, 'int32')), 0, numPriors - 1);
  const pick = tf.oneHot(tf.squeeze(last, [1]), numPriors, 1, 0, 'int32');
  const cutLoss = tf.sum(
    tf.where(tf.cast(pick, 'bool'), sorted.values, tf.zerosLike(sorted.values)),
    -1,
    true,
  );
  const cutIndex = tf.sum(tf.mul(pick, sorted.indices), -1, true);
  const index = tf.reshape(tf.range(0, numPriors, 1, 'int32'), [1, numPriors]);
  const atOrBeforeCut = tf.logicalOr(
    tf.greater(loss, cutLoss),
    tf.logicalAnd(tf.equal(loss, cutLoss), tf.lessEqual(index, cutIndex)),
  );
  const negative = tf.logicalAnd(atOrBeforeCut, tf.greater(numNeg, tf.scalar(0, 'int32')));
  return tf.cast(tf.logicalOr(positive, negative), 'float32') as tf.Tensor2D;
}
