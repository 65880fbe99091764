/** @ssd/boxes' box decoding on tensors: the formula is theirs, the arithmetic tfjs's. */
import { type BoxArithmetic, type CenterSize, cornersOf, decodeCenterSize } from '@ssd/boxes';
import * as tf from '@tensorflow/tfjs-core';

/** Decoding's operations as tfjs ops (broadcasting priors [P, 2] over [..., P, 2]). */
export const TENSOR_ARITHMETIC: BoxArithmetic<tf.Tensor> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  scale: (a, factor) => tf.mul(a, factor),
  exp: (a) => tf.exp(a),
};

/** `[..., 4]` rows `[cx, cy, w, h]` (or regressions in that order) as centers and sizes `[..., 2]`. */
export function splitCenterSize(boxes: tf.Tensor): CenterSize<tf.Tensor> {
  const [center, size] = tf.split(boxes, [2, 2], -1);
  return { center: center!, size: size! };
}

/**
 * `decodeLocations` on tensors: regression outputs `[..., P, 4]` and center-form priors `[P, 4]` →
 * center-form boxes `[..., P, 4]` (relative coordinates).
 */
export function decodeLocationsTensor(
  locations: tf.Tensor,
  priorsCenter: tf.Tensor,
  centerVariance: number,
  sizeVariance: number,
): tf.Tensor {
  return tf.tidy(() => {
    const { center, size } = decodeCenterSize(
      TENSOR_ARITHMETIC,
      splitCenterSize(locations),
      splitCenterSize(priorsCenter),
      centerVariance,
      sizeVariance,
    );
    return tf.concat([center, size], -1);
  });
}

/** `[..., 4]` center-form boxes `[cx, cy, w, h]` → corner form `[x1, y1, x2, y2]`, on tensors. */
export function centerFormToCornerFormTensor(boxes: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { min, max } = cornersOf(TENSOR_ARITHMETIC, splitCenterSize(boxes));
    return tf.concat([min, max], -1);
  });
}
