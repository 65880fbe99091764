/** Stride-1 dilated convolution as one op with its own gradient (tfjs's Conv2D gradient refuses dilations). */
import * as tf from '@tensorflow/tfjs-core';

/** Zero padding [top, bottom, left, right]. */
export type Pads = readonly [number, number, number, number];

function explicit([top, bottom, left, right]: Pads): [[0, 0], [number, number], [number, number], [0, 0]] {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/**
 * x [n, h, w, inC] correlated with filter [kh, kw, inC, outC] whose taps are `dilation` apart, stride 1,
 * zero padding `pads`. Gradients: dx is the same kind of correlation of dy with the filter turned by 180°
 * and its channels swapped, padded by the dilated extent minus the forward padding; dW[ky,kx] sums
 * x[o + dilation·k - pad]·dy[o], a correlation of the channels-as-batch input with dy taken at a stride of
 * `dilation`. All three are forward convolutions, which every backend has, and they touch only real pixels
 * (space-to-batch pads the input to a multiple of the dilation and its gradient runs over the padding).
 */
export function dilatedConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  dilation: number,
  pads: Pads,
): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  const [top, bottom, left, right] = pads;
  const spanH = (kh - 1) * dilation;
  const spanW = (kw - 1) * dilation;
  if (Math.max(top, bottom) > spanH || Math.max(left, right) > spanW) {
    throw new Error(
      `not supported: dilated convolution with padding ${JSON.stringify(pads)} beyond its ${kh}×${kw} filter's dilated extent`,
    );
  }
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, weights, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weights]);
    const value = tf.conv2d(input, weights, 1, explicit(pads), 'NHWC', dilation);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const turned = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(
        dy as tf.Tensor4D,
        turned,
        1,
        explicit([spanH - top, spanH - bottom, spanW - left, spanW - right]),
        'NHWC',
        dilation,
      );
      const channelsAsBatch = tf.transpose(tf.pad(xs, explicit(pads)), [3, 1, 2, 0]) as tf.Tensor4D;
      const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
      const perChannel = tf.conv2d(channelsAsBatch, dyAsFilter, dilation, 'valid');
      return [dx, tf.transpose(perChannel, [1, 2, 0, 3])];
    };
    return { value, gradFunc };
  });
  return conv(x, filter) as tf.Tensor4D;
}
