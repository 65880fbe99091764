import * as tf from '@tensorflow/tfjs-core';
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { opsKernel } from './ops-kernel';

/**
 * DepthwiseConv2dNativeBackpropFilter as ONE forward depthwise convolution, which wasm runs on XNNPACK:
 * dW[ky,kx,c,m] = Σ_{n,oy,ox} xpad[n, oy·s + ky·d, ox·s + kx·d, c] · dy[n,oy,ox,c·M + m] correlates the
 * padded input with dy, whose taps are spaced by the stride (a dilation), at offsets spaced by the dilation
 * (a stride). The batch is summed inside that correlation by stacking the images vertically: the input
 * becomes one [N·Hs, Wp] image (each image padded to Hs rows, a multiple of the stride) and dy one tall
 * filter with rows n·Hs/s + oy holding image n's dy row oy and zeros between images, so every image's
 * taps line up with that image's rows. Both are plain reshapes of the NHWC data (plus padding), and dy's
 * [.., C·M] channels are already the depthwise filter's [.., C, M]. This replaces kh·kw strided slices and
 * products of the whole input, which dominated wasm training steps.
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
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  if (Math.max(sh, sw) > 1 && Math.max(dh, dw) > 1) {
    throw new Error('not supported: DepthwiseConv2dNativeBackpropFilter with both strides and dilations > 1');
  }
  const [kh, kw, channels, multiplier] = filterShape;
  const [batch, height] = x!.shape;
  const { top, bottom, left, right } = info.padInfo;
  const rowsPerImage = Math.ceil((height + top + bottom) / sh);
  const stackedRows = rowsPerImage * sh;
  const padded = tf.pad(x!, [
    [0, 0],
    [top, stackedRows - height - top],
    [left, right],
    [0, 0],
  ]);
  const stacked = tf.reshape(padded, [1, batch * stackedRows, padded.shape[2]!, channels]) as tf.Tensor4D;
  const gapRows = rowsPerImage - info.outHeight;
  const dyRows =
    gapRows > 0
      ? tf.pad(dy!, [
          [0, 0],
          [0, gapRows],
          [0, 0],
          [0, 0],
        ])
      : dy!;
  const tall = tf.reshape(dyRows, [batch * rowsPerImage, info.outWidth, channels, multiplier]);
  // The last image's trailing zero rows would only need more input rows; drop them instead.
  const filter = (
    gapRows > 0 ? tf.slice(tall, 0, (batch - 1) * rowsPerImage + info.outHeight) : tall
  ) as tf.Tensor4D;
  const offsets = tf.depthwiseConv2d(stacked, filter, [dh, dw], 'valid', 'NHWC', [sh, sw]);
  // Padding beyond the last window (e.g. 'same' with stride 2) yields offsets past the filter size.
  return tf.reshape(tf.slice(offsets, [0, 0, 0, 0], [1, kh, kw, -1]), filterShape);
});
