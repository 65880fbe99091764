// wasm's convolutions on ONNX Runtime (registerTrainingKernels' ortThreads) against the pure-JS backend: the kernels'
// outputs, conv2d's gradients and the fused forward with bias and activation, on the geometries the wasm
// kernels are tested on plus dilation; each asserts ONNX Runtime ran it, and that off means off.
import { OrtConvRunner } from '@ssd/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src';
import { ORT_MIN_DEPTH } from '../src/ort/conv-kernels';
import { CONV_CASES, type ConvCase } from './conv-cases';
import {
  expectCloseArrays,
  onBothBackends,
  seededTensor,
  setUpBackends,
  weightedGrads,
} from './kernels-helpers';

const calls = {
  forward: jest.spyOn(OrtConvRunner.prototype, 'forward'),
  inputGradient: jest.spyOn(OrtConvRunner.prototype, 'inputGradient'),
  filterGradient: jest.spyOn(OrtConvRunner.prototype, 'filterGradient'),
};
const counts = () => Object.values(calls).map((c) => c.mock.calls.length);

/**
 * The wasm kernel tests' geometries (less the large ones that exercise its chunking) with 32 more input and
 * output channels: ONNX Runtime runs forward and input-gradient convolutions only from a product depth of
 * ORT_MIN_DEPTH (below, wasm's are faster).
 */
const DEEP_CASES: ConvCase[] = CONV_CASES.filter((c) => !/large|chunked/.test(c.name)).map((c) => ({
  ...c,
  x: [c.x[0], c.x[1], c.x[2], c.x[3] + 32],
  filter: [c.filter[0], c.filter[1], c.filter[2] + 32, c.filter[3] + 32],
}));

beforeAll(async () => {
  await setUpBackends();
  registerTrainingKernels('wasm', { ortThreads: 1 });
});
beforeEach(() => {
  for (const c of Object.values(calls)) c.mockClear();
});

describe('convolutions on ONNX Runtime match the pure-JS backend', () => {
  test.each(DEEP_CASES)('Conv2DBackpropFilter, $name', async ({ x, filter, strides, pad }) => {
    const out = await onBothBackends(() => {
      const xs = seededTensor(x, 1) as tf.Tensor4D;
      const dy = seededTensor(tf.conv2d(xs, seededTensor(filter, 2) as tf.Tensor4D, strides, pad).shape, 3);
      const attrs = { strides, pad, dataFormat: 'NHWC', filterShape: filter };
      return tf
        .engine()
        .runKernel(tf.Conv2DBackpropFilter, { x: xs, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expectCloseArrays(out.wasm, out.cpu, 1e-5);
    expect(calls.filterGradient).toHaveBeenCalledTimes(1);
  });

  test.each(DEEP_CASES)('Conv2DBackpropInput, $name', async ({ x, filter, strides, pad }) => {
    const out = await onBothBackends(() => {
      const w = seededTensor(filter, 2) as tf.Tensor4D;
      const dy = seededTensor(tf.conv2d(tf.zeros(x) as tf.Tensor4D, w, strides, pad).shape, 3);
      const attrs = { strides, pad, dataFormat: 'NHWC', inputShape: x };
      return tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropInput,
          { dy, filter: w },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor;
    });
    expectCloseArrays(out.wasm, out.cpu, 1e-5);
    expect(calls.inputGradient).toHaveBeenCalledTimes(1);
  });

  test.each(DEEP_CASES)('conv2d and its gradients, $name', async ({ x, filter, strides, pad }) => {
    const out = await onBothBackends(() => {
      const [xs, w] = [seededTensor(x, 4), seededTensor(filter, 5)] as tf.Tensor4D[];
      return [
        tf.conv2d(xs!, w!, strides, pad),
        ...weightedGrads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), [xs!, w!]),
      ];
    });
    expectCloseArrays(out.wasm, out.cpu, 1e-5);
    expect(counts()).toEqual([2, 1, 1]);
  });

  test.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const)(
    'fused conv2d with bias and %s (inference: one fused kernel)',
    async (activation) => {
      const out = await onBothBackends(() =>
        tf.fused.conv2d({
          x: seededTensor([2, 9, 8, 5], 6) as tf.Tensor4D,
          filter: tf.mul(seededTensor([3, 3, 5, 7], 7), 3) as tf.Tensor4D,
          bias: seededTensor([7], 8),
          strides: 2,
          pad: 'same',
          activation,
          leakyreluAlpha: 0.15,
        }),
      );
      expectCloseArrays(out.wasm, out.cpu, 1e-5);
      expect(counts()).toEqual([1, 0, 0]);
    },
  );

  test('dilated conv2d (VGG fc6: 3×3, dilation 6, pad 6)', async () => {
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [6, 6],
      [6, 6],
      [0, 0],
    ];
    const out = await onBothBackends(() =>
      tf.conv2d(
        seededTensor([2, 19, 19, 6], 9) as tf.Tensor4D,
        seededTensor([3, 3, 6, 5], 10) as tf.Tensor4D,
        1,
        pad,
        'NHWC',
        6,
      ),
    );
    expectCloseArrays(out.wasm, out.cpu, 1e-5);
    expect(counts()).toEqual([1, 0, 0]);
  });

  test('prelu stays on the wasm kernel (no per-channel slopes in the graph)', async () => {
    const out = await onBothBackends(() =>
      tf.fused.conv2d({
        x: seededTensor([1, 6, 6, 3], 11) as tf.Tensor4D,
        filter: seededTensor([3, 3, 3, 4], 12) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        activation: 'prelu',
        preluActivationWeights: seededTensor([4], 13),
      }),
    );
    expectCloseArrays(out.wasm, out.cpu, 1e-5);
    expect(counts()).toEqual([0, 0, 0]);
  });

  test('shallow products stay on wasm: an RGB input layer forward, an input gradient into few outputs', async () => {
    expect(3 * 3 * 3).toBeLessThan(ORT_MIN_DEPTH);
    const out = await onBothBackends(() => {
      const [x, w] = [seededTensor([2, 12, 12, 3], 14), seededTensor([3, 3, 3, 3], 15)] as tf.Tensor4D[];
      return [
        tf.conv2d(x!, w!, 1, 'same'),
        ...weightedGrads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), [x!, w!]),
      ];
    });
    expectCloseArrays(out.wasm, out.cpu, 1e-4);
    expect(counts()).toEqual([0, 0, 1]);
  });

  test('off: every convolution back on wasm, still right', async () => {
    registerTrainingKernels('wasm', { ortThreads: null });
    try {
      const { x, filter, strides, pad } = DEEP_CASES[0]!;
      const out = await onBothBackends(() =>
        weightedGrads(
          (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad),
          [seededTensor(x, 4), seededTensor(filter, 5)],
        ),
      );
      expectCloseArrays(out.wasm, out.cpu, 1e-4);
      expect(counts()).toEqual([0, 0, 0]);
    } finally {
      registerTrainingKernels('wasm', { ortThreads: 1 });
    }
  });
});
