import * as tf from '@tensorflow/tfjs-core';
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import { spreadDyForInputGradient } from './spread-dy';

/**
 * DepthwiseConv2dNativeBackpropInput as a forward depthwise convolution of the spread dy with the flipped
 * filter (one output per channel × multiplier), with each channel's multiplier outputs summed.
 */
export const depthwiseBackpropInput: KernelFunc = opsKernel(({ dy, filter }, attrs) => {
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const [kh, kw, channels, multiplier] = filter!.shape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo(
    inputShape,
    [kh, kw, channels, multiplier],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const flipped = tf.reshape(tf.reverse(filter!, [0, 1]), [kh, kw, channels * multiplier, 1]) as tf.Tensor4D;
  const { spread, pad: around } = spreadDyForInputGradient(dy as tf.Tensor4D, info);
  const perOutput = tf.depthwiseConv2d(spread, flipped, 1, around, 'NHWC', [
    info.dilationHeight,
    info.dilationWidth,
  ]);
  if (multiplier === 1) return perOutput;
  return tf.sum(tf.reshape(perOutput, [...inputShape, multiplier]), 4);
});
