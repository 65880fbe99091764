import { opsKernel } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type Conv2DBackpropFilterAttrs, type KernelFunc } from '@tensorflow/tfjs-core';
import { isPointwise, padInput, requireChannelsLast } from './conv-padding';

/**
 * Above this many elements, wasm transposes a [pixels, channels] matrix about 3× faster when the pixels are
 * split into two axes (its 2-D transpose is fast only while the matrix fits in cache).
 */
const TRANSPOSE_2D_MAX = 1 << 19;

/** x [n, h, w, c] as a [c, n·h·w] matrix. */
function channelsByPixels(x: tf.Tensor): tf.Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  if (x.size <= TRANSPOSE_2D_MAX) return tf.transpose(tf.reshape(x, [n * h * w, c]));
  return tf.reshape(tf.transpose(tf.reshape(x, [n * h, w, c]), [2, 0, 1]), [c, n * h * w]);
}

/**
 * A pointwise (1×1, stride 1, unpadded) conv's filter gradient is a matrix product over all pixels, xᵀ·dy
 * or (dyᵀ·x)ᵀ. An explicit transpose is faster on wasm than matMul's transposeA flag (a plain loop); the
 * right operand, which XNNPACK repacks, is the one with fewer channels.
 */
function pointwiseFilterGradient(x: tf.Tensor, dy: tf.Tensor, filterShape: number[]): tf.Tensor {
  const [inChannels, outChannels] = [x.shape[3]!, dy.shape[3]!];
  const pixels = x.size / inChannels;
  if (outChannels <= inChannels) {
    return tf.reshape(tf.matMul(channelsByPixels(x), tf.reshape(dy, [pixels, outChannels])), filterShape);
  }
  const transposed = tf.matMul(channelsByPixels(dy), tf.reshape(x, [pixels, inChannels]));
  return tf.reshape(tf.transpose(transposed), filterShape);
}

/**
 * Conv2DBackpropFilter as one forward convolution: dW[ky,kx,ci,co] = Σ_{n,oy,ox} x[n, oy·s + ky, ox·s + kx, ci]
 * · dy[n,oy,ox,co] is a conv of the padded input, with input channels as the batch and the batch as the
 * channels, by dy used as an [outH, outW, batch, outC] filter whose taps are spaced by the stride (a
 * dilation). wasm runs that on XNNPACK, without materialising kh·kw shifted copies of the input.
 * Pointwise convs, most of MobileNet's, take a plain matrix product instead.
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
  if (isPointwise(info)) return pointwiseFilterGradient(x!, dy!, filterShape);
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
