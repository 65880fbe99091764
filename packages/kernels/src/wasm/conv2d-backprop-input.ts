import { isPointwise } from '@ssd/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type Conv2DBackpropInputAttrs, type KernelFunc } from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import { requireChannelsLast } from './conv-padding';
import { flippedSwappedFilter } from './flip-filter';
import { spreadDyForInputGradient } from './spread-dy';

/**
 * Conv2DBackpropInput as a forward convolution of the spread dy with the spatially flipped filter, its in/out
 * channels swapped. Replaces wasm's own kernel, a plain loop about 6× slower than its (XNNPACK) forward conv.
 * A pointwise conv needs neither the spreading nor the flip.
 */
export const conv2dBackpropInput: KernelFunc = opsKernel(({ dy, filter }, attrs) => {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as Conv2DBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter!.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  requireChannelsLast(tf.Conv2DBackpropInput, info);
  const swapped = (f: tf.Tensor) => tf.transpose(f, [0, 1, 3, 2]) as tf.Tensor4D;
  if (isPointwise(info)) return tf.conv2d(dy as tf.Tensor4D, swapped(filter!), 1, 'valid');
  const flipped = flippedSwappedFilter(filter as tf.Tensor4D);
  const { spread, pad: around } = spreadDyForInputGradient(dy as tf.Tensor4D, info);
  return tf.conv2d(spread, flipped, 1, around);
});
