import type { backend_util } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor. */
function padOrCrop(t: tf.Tensor4D, rows: [number, number], cols: [number, number]): tf.Tensor4D {
  const [, h, w] = t.shape;
  const cropTop = Math.max(-rows[0], 0);
  const cropLeft = Math.max(-cols[0], 0);
  const cropped = tf.slice(
    t,
    [0, cropTop, cropLeft, 0],
    [-1, h - cropTop - Math.max(-rows[1], 0), w - cropLeft - Math.max(-cols[1], 0), -1],
  );
  const pads: Array<[number, number]> = [
    [0, 0],
    [Math.max(rows[0], 0), Math.max(rows[1], 0)],
    [Math.max(cols[0], 0), Math.max(cols[1], 0)],
    [0, 0],
  ];
  return pads.some(([a, b]) => a > 0 || b > 0) ? tf.pad(cropped, pads) : cropped;
}

/** Spreads dy out to stride spacing: dy[o] lands at row/column o·stride, zeros in between. */
function spreadByStride(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(spread, [n, h * sh, w * sw, c]);
}

/**
 * dy laid out so that a stride-1 'valid' correlation with the spatially flipped filter, at the conv's
 * dilation, yields dL/dx: input row i gathers dy rows (i + top - dilation·k) / stride, so dy is spread to
 * stride spacing and shifted by (effective filter extent - 1 - top); the bottom amount makes exactly
 * inHeight rows come out (likewise for columns). This turns a backprop-input kernel into a forward one.
 */
export function spreadDyForInputGradient(dy: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const spread = spreadByStride(dy, info.strideHeight, info.strideWidth);
  const { top, left } = info.padInfo;
  return padOrCrop(
    spread,
    [info.effectiveFilterHeight - 1 - top, info.inHeight + top - spread.shape[1]],
    [info.effectiveFilterWidth - 1 - left, info.inWidth + left - spread.shape[2]],
  );
}
