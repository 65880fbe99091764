import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type Conv2DBackpropFilterAttrs, type KernelFunc } from '@tensorflow/tfjs-core';
import { padInput, requireChannelsLast } from './conv-padding';
import { opsKernel } from './ops-kernel';

/**
 * Conv2DBackpropFilter as one forward convolution: dW[ky,kx,ci,co] = Σ_{n,oy,ox} x[n, oy·s + ky, ox·s + kx, ci]
 * · dy[n,oy,ox,co] is a conv of the padded input, with input channels as the batch and the batch as the
 * channels, by dy used as an [outH, outW, batch, outC] filter whose taps are spaced by the stride (a
 * dilation). wasm runs that on XNNPACK, without materialising kh·kw shifted copies of the input.
 */
export const conv2dBackpropFilter: KernelFunc = opsKernel(({ x, dy }, attrs) => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  requireChannelsLast(tf.Conv2DBackpropFilter, info);
  const channelsAsBatch = tf.transpose(padInput(x as tf.Tensor4D, info), [3, 1, 2, 0]);
  const dyAsFilter = tf.transpose(dy!, [1, 2, 0, 3]) as tf.Tensor4D;
  const perInputChannel = tf.conv2d(channelsAsBatch, dyAsFilter, 1, 'valid', 'NHWC', [
    info.strideHeight,
    info.strideWidth,
  ]);
  // Padding beyond the last window (e.g. 'same' with stride 2) yields extra offsets past the filter size.
  const taps = tf.slice(perInputChannel, [0, 0, 0, 0], [-1, info.filterHeight, info.filterWidth, -1]);
  return tf.transpose(taps, [1, 2, 0, 3]);
});
