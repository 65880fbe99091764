import * as tf from '@tensorflow/tfjs-core';

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
    const [loc, size] = tf.split(locations, [2, 2], -1);
    const [priorCenter, priorSize] = tf.split(priorsCenter, [2, 2], -1);
    const center = tf.add(tf.mul(tf.mul(loc, centerVariance), priorSize), priorCenter);
    const wh = tf.mul(tf.exp(tf.mul(size, sizeVariance)), priorSize);
    return tf.concat([center, wh], -1);
  });
}

/** `[..., 4]` center-form boxes `[cx, cy, w, h]` → corner form `[x1, y1, x2, y2]`, on tensors. */
export function centerFormToCornerFormTensor(boxes: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [center, size] = tf.split(boxes, [2, 2], -1);
    const half = tf.div(size, 2);
    return tf.concat([tf.sub(center, half), tf.add(center, half)], -1);
  });
}
