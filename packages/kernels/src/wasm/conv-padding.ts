import type { backend_util } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Rejects layouts the op-based kernels do not implement, naming the kernel. */
export function requireChannelsLast(kernelName: string, info: backend_util.Conv2DInfo): void {
  if (info.dataFormat !== 'channelsLast')
    throw new Error(`not supported: ${kernelName} with dataFormat NCHW`);
}

/** The NHWC input with the convolution's implicit zero padding made explicit. */
export function padInput(x: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo;
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  return tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
}
