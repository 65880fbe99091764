import type { backend_util } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** dy laid out for a forward correlation, and the zero padding that correlation adds around it. */
export interface SpreadDy {
  spread: tf.Tensor4D;
  pad: [[0, 0], [number, number], [number, number], [0, 0]];
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
 * dy laid out so that a stride-1 correlation with the spatially flipped filter, at the conv's dilation,
 * yields dL/dx: input row i gathers dy rows (i + top - dilation·k) / stride, so dy is spread to stride
 * spacing and shifted by (effective filter extent - 1 - top); the bottom amount makes exactly inHeight rows
 * come out (likewise for columns). Negative amounts crop dy; positive ones are left to the correlation's
 * own padding, which costs no copy. This turns a backprop-input kernel into a forward one.
 */
export function spreadDyForInputGradient(dy: tf.Tensor4D, info: backend_util.Conv2DInfo): SpreadDy {
  const spread = spreadByStride(dy, info.strideHeight, info.strideWidth);
  const [, h, w] = spread.shape;
  const { top, left } = info.padInfo;
  const rows = [info.effectiveFilterHeight - 1 - top, info.inHeight + top - h];
  const cols = [info.effectiveFilterWidth - 1 - left, info.inWidth + left - w];
  const positive = (amount: number) => Math.max(amount, 0);
  const [cropTop, cropBottom, cropLeft, cropRight] = [-rows[0]!, -rows[1]!, -cols[0]!, -cols[1]!].map(
    positive,
  );
  const cropped =
    cropTop + cropBottom + cropLeft + cropRight === 0
      ? spread
      : tf.slice(
          spread,
          [0, cropTop, cropLeft, 0],
          [-1, h - cropTop - cropBottom, w - cropLeft - cropRight, -1],
        );
  return {
    spread: cropped,
    pad: [
      [0, 0],
      [positive(rows[0]!), positive(rows[1]!)],
      [positive(cols[0]!), positive(cols[1]!)],
      [0, 0],
    ],
  };
}
