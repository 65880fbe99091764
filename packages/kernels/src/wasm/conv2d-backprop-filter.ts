import { isPointwise } from '@ssd/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type Conv2DBackpropFilterAttrs, type KernelFunc } from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import { requireChannelsLast } from './conv-padding';
import { floats, tensorFilledBy } from './heap';
import { channelsFirst, patchMatrixRows } from './patch-matrix';

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
 * Output pixels per matrix product are chosen so that dy's part of it (pixels × outC floats) stays about
 * 1 MiB: XNNPACK's GEMM streams that operand once per few rows of the patch matrix, fast only while it
 * stays in cache. On VGG's layers, 4 MiB chunks ran 15-50 % slower and 256 KiB ones no faster.
 */
const CHUNK_FLOATS = 1 << 18;

/**
 * dW = Σ over chunks of output rows of P·dy, where P [kh·kw·inC, pixels] is the chunk's patch matrix and dy
 * its [pixels, outC] rows: one XNNPACK matrix product per chunk, its result already in [kh, kw, inC, outC]
 * order.
 */
function patchFilterGradient(x: tf.Tensor, dy: tf.Tensor, info: backend_util.Conv2DInfo): tf.Tensor {
  const { inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const inPixels = x.size / inChannels;
  const xT = tensorFilledBy([inChannels, inPixels], (out) =>
    channelsFirst(floats(x), inPixels, inChannels, out),
  );
  const taps = filterHeight * filterWidth * inChannels;
  const allRows = info.batchSize * outHeight;
  const rowFloats = outWidth * outChannels;
  const rowsPerChunk = Math.min(allRows, Math.max(1, Math.floor(CHUNK_FLOATS / rowFloats)));
  const dyRows = tf.reshape(dy, [allRows * outWidth, outChannels]);
  let sum: tf.Tensor | null = null;
  for (let first = 0; first < allRows; first += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, allRows - first);
    const pixels = rows * outWidth;
    const partial: tf.Tensor | null = sum;
    sum = tf.tidy(() => {
      const patches = tensorFilledBy([taps, pixels], (out) =>
        patchMatrixRows(floats(xT), info, first, rows, out),
      );
      const product = tf.matMul(patches, tf.slice(dyRows, [first * outWidth, 0], [pixels, outChannels]));
      return partial == null ? product : tf.add(partial, product);
    });
    partial?.dispose();
  }
  return tf.reshape(sum!, [filterHeight, filterWidth, inChannels, outChannels]);
}

/**
 * Conv2DBackpropFilter, dW[ky,kx,ci,co] = Σ_{n,oy,ox} x[n, oy·s + ky - pad, ox·s + kx - pad, ci] · dy[n,oy,ox,co],
 * as matrix products on XNNPACK over chunks of the patch matrix (im2col). Pointwise convs, most of
 * MobileNet's, need no patches: one plain matrix product.
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
  return patchFilterGradient(x!, dy!, info);
});
