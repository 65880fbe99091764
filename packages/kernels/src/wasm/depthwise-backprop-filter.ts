import * as tf from '@tensorflow/tfjs-core';
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { opsKernel } from '../ops-kernel';
import { padInput } from './conv-padding';
import { depthwiseFilterGradient3x3 } from './depthwise-filter-3x3';
import { floats } from './heap';
import { depthwiseFilterSimd } from './simd/depthwise-filter-simd';

/**
 * The 3×3, multiplier-1 case (every depthwise layer of MobileNetV2 and SSDLite): wasm SIMD on wasm's memory
 * where it runs, else the plain loop, with the same sums either way.
 */
function gradient3x3(x: tf.Tensor4D, dy: tf.Tensor, info: backend_util.Conv2DInfo): tf.Tensor {
  const padded = padInput(x, info);
  const g = {
    batch: info.batchSize,
    paddedHeight: padded.shape[1],
    paddedWidth: padded.shape[2],
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
  };
  const simd = depthwiseFilterSimd(tf.engine().backend);
  if (!simd)
    return tf.tensor4d(depthwiseFilterGradient3x3(floats(padded), floats(dy), g), [3, 3, g.channels, 1]);
  // Float64 scratch: the image's sums, then the totals (zeroed), 9 × channels each.
  const scratch = tf.fill([4 * 9 * g.channels], 0, 'float32');
  const out = tf.fill([3, 3, g.channels, 1], 0, 'float32');
  const acc = floats(scratch).byteOffset;
  simd.depthwiseFilter3x3(
    floats(padded).byteOffset,
    floats(dy).byteOffset,
    acc,
    acc + 9 * g.channels * 8,
    floats(out).byteOffset,
    g.batch,
    g.paddedHeight,
    g.paddedWidth,
    g.channels,
    g.outHeight,
    g.outWidth,
    g.strideHeight,
    g.strideWidth,
    g.dilationHeight,
    g.dilationWidth,
  );
  scratch.dispose();
  return out;
}

/**
 * Any other filter as ONE forward depthwise convolution, which wasm runs on XNNPACK:
 * dW[ky,kx,c,m] = Σ_{n,oy,ox} xpad[n, oy·s + ky·d, ox·s + kx·d, c] · dy[n,oy,ox,c·M + m] correlates the
 * padded input with dy, whose taps are spaced by the stride (a dilation), at offsets spaced by the dilation
 * (a stride). The batch is summed inside that correlation by stacking the images vertically: the input
 * becomes one [N·Hs, Wp] image (each image padded to Hs rows, a multiple of the stride) and dy one tall
 * filter with rows n·Hs/s + oy holding image n's dy row oy and zeros between images, so every image's
 * taps line up with that image's rows. Both are plain reshapes of the NHWC data (plus padding), and dy's
 * [.., C·M] channels are already the depthwise filter's [.., C, M].
 */
function gradientByConvolution(
  x: tf.Tensor4D,
  dy: tf.Tensor,
  info: backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.Tensor {
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  if (Math.max(sh, sw) > 1 && Math.max(dh, dw) > 1) {
    throw new Error('not supported: DepthwiseConv2dNativeBackpropFilter with both strides and dilations > 1');
  }
  const [kh, kw, channels, multiplier] = filterShape;
  const [batch, height] = x.shape;
  const { top, bottom, left, right } = info.padInfo;
  const rowsPerImage = Math.ceil((height + top + bottom) / sh);
  const stackedRows = rowsPerImage * sh;
  const padded = tf.pad(x, [
    [0, 0],
    [top, stackedRows - height - top],
    [left, right],
    [0, 0],
  ]);
  const stacked = tf.reshape(padded, [1, batch * stackedRows, padded.shape[2]!, channels]) as tf.Tensor4D;
  const gapRows = rowsPerImage - info.outHeight;
  const dyRows =
    gapRows > 0
      ? tf.pad(dy, [
          [0, 0],
          [0, gapRows],
          [0, 0],
          [0, 0],
        ])
      : dy;
  const tall = tf.reshape(dyRows, [batch * rowsPerImage, info.outWidth, channels, multiplier]);
  // The last image's trailing zero rows would only need more input rows; drop them instead.
  const filter = (
    gapRows > 0 ? tf.slice(tall, 0, (batch - 1) * rowsPerImage + info.outHeight) : tall
  ) as tf.Tensor4D;
  const offsets = tf.depthwiseConv2d(stacked, filter, [dh, dw], 'valid', 'NHWC', [sh, sw]);
  // Padding beyond the last window (e.g. 'same' with stride 2) yields offsets past the filter size.
  return tf.reshape(tf.slice(offsets, [0, 0, 0, 0], [1, kh, kw, -1]), filterShape);
}

/**
 * DepthwiseConv2dNativeBackpropFilter, which wasm lacks: a loop for 3×3 filters with multiplier 1, one
 * XNNPACK convolution otherwise. Both replace kh·kw strided slices and products of the whole input,
 * which dominated wasm training steps.
 */
export const depthwiseBackpropFilter: KernelFunc = opsKernel(({ x, dy }, attrs) => {
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [kh, kw, , multiplier] = filterShape;
  if (kh === 3 && kw === 3 && multiplier === 1) return gradient3x3(x as tf.Tensor4D, dy!, info);
  return gradientByConvolution(x as tf.Tensor4D, dy!, info, filterShape);
});
