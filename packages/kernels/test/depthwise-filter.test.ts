// The SIMD depthwise filter gradient against the JavaScript loop it stands in for, bit for bit (both sum in
// float64 in the same order), through wasm's DepthwiseConv2dNativeBackpropFilter kernel.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src';
import { depthwiseFilterGradient3x3 } from '../src/wasm/depthwise-filter-3x3';
import { depthwiseFilterSimd } from '../src/wasm/simd/depthwise-filter-simd';
import { seeded } from './kernels-helpers';

beforeAll(async () => {
  registerTrainingKernels('wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
});

// [batch, height, width, channels], stride, dilation, pad: odd channel counts take the one-channel tail.
const CASES: [string, [number, number, number, number], number, number, number][] = [
  ['stride 1, pad 1, 6 channels', [2, 7, 6, 6], 1, 1, 1],
  ['stride 2, pad 1, 5 channels', [3, 9, 8, 5], 2, 1, 1],
  ['dilation 2, pad 2, 3 channels', [1, 8, 9, 3], 1, 2, 2],
  ['stride 2, no pad, 1 channel', [2, 9, 7, 1], 2, 1, 0],
];

test('runs as SIMD on the wasm backend', () => {
  expect(depthwiseFilterSimd(tf.backend())).not.toBeNull();
});

test.each(CASES)('%s: equals the loop bit for bit', (_name, shape, stride, dilation, pad) => {
  tf.tidy(() => {
    const x = tf.tensor4d(seeded(tf.util.sizeFromShape(shape), 11), shape);
    const [n, h, w, c] = shape;
    const out = (size: number) => Math.floor((size + 2 * pad - 2 * dilation - 1) / stride) + 1;
    const dy = tf.tensor4d(seeded(n * out(h) * out(w) * c, 12), [n, out(h), out(w), c]);
    const attrs = { strides: stride, pad, dilations: dilation, filterShape: [3, 3, c, 1] };
    const simd = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, attrs) as tf.Tensor;
    const padded = tf.pad(x, [
      [0, 0],
      [pad, pad],
      [pad, pad],
      [0, 0],
    ]);
    const loop = depthwiseFilterGradient3x3(
      padded.dataSync() as Float32Array,
      dy.dataSync() as Float32Array,
      {
        batch: n,
        paddedHeight: h + 2 * pad,
        paddedWidth: w + 2 * pad,
        channels: c,
        outHeight: out(h),
        outWidth: out(w),
        strideHeight: stride,
        strideWidth: stride,
        dilationHeight: dilation,
        dilationWidth: dilation,
      },
    );
    const a = simd.dataSync();
    expect([...loop.keys()].filter((i) => !Object.is(a[i], loop[i]))).toEqual([]);
  });
});
