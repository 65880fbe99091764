import * as tf from '@tensorflow/tfjs-core';
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { padInput } from './conv-padding';
import { opsKernel } from './ops-kernel';

/**
 * DepthwiseConv2dNativeBackpropFilter from slices and elementwise kernels: channel c's tap (ky, kx) gradient
 * for multiplier m is the sum over batch and output positions of (input window · dy[..., c·M + m]). Both are
 * laid out channels-first, [C, positions], so the multiplier axis broadcasts and the sum is over the
 * innermost axis, which wasm reduces without a transpose.
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
  const [kh, kw, channels, multiplier] = filterShape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const xT = tf.transpose(padInput(x as tf.Tensor4D, info), [3, 0, 1, 2]);
  const dyT = tf.reshape(tf.transpose(dy!, [3, 0, 1, 2]), [channels, multiplier, -1]);
  const rows = (info.outHeight - 1) * sh + 1;
  const cols = (info.outWidth - 1) * sw + 1;
  const taps: tf.Tensor[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const begin = [0, 0, ky * dh, kx * dw];
      const window =
        sh === 1 && sw === 1
          ? tf.slice(xT, begin, [-1, -1, rows, cols])
          : tf.stridedSlice(
              xT,
              begin,
              [xT.shape[0], xT.shape[1], begin[2]! + rows, begin[3]! + cols],
              [1, 1, sh, sw],
            );
      taps.push(tf.sum(tf.mul(tf.reshape(window, [channels, 1, -1]), dyT), -1));
    }
  }
  return tf.reshape(tf.stack(taps), filterShape);
});
