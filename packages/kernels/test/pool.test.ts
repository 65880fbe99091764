import * as tf from '@tensorflow/tfjs-core';
import {
  expectCloseArrays,
  onBothBackends,
  runOn,
  seededTensor,
  setUpBackends,
  weightedGrads,
} from './kernels-helpers';

beforeAll(setUpBackends);

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

interface PoolCase {
  name: string;
  x: [number, number, number, number];
  size: number;
  strides: number;
  pad: Pad;
}

const POOL_CASES: PoolCase[] = [
  { name: '2x2 s2 valid', x: [2, 8, 10, 5], size: 2, strides: 2, pad: 'valid' },
  { name: '2x2 s2 valid, odd size', x: [1, 9, 7, 3], size: 2, strides: 2, pad: 'valid' },
  { name: '2x2 s2 same, odd size (ceil mode)', x: [2, 9, 7, 4], size: 2, strides: 2, pad: 'same' },
  { name: '3x3 s1 same', x: [2, 7, 6, 5], size: 3, strides: 1, pad: 'same' },
  { name: '3x3 s1 pad 1', x: [1, 6, 8, 6], size: 3, strides: 1, pad: 1 },
  { name: '3x3 s2 same', x: [2, 9, 9, 3], size: 3, strides: 2, pad: 'same' },
];

describe('MaxPoolGrad on wasm matches the pure-JS backend', () => {
  test.each(POOL_CASES)('maxPool gradient, $name', async ({ x, size, strides, pad }) => {
    const out = await onBothBackends(() =>
      weightedGrads((a) => tf.maxPool(a as tf.Tensor4D, size, strides, pad), [seededTensor(x, 11)]),
    );
    expectCloseArrays(out.wasm, out.cpu);
  });

  test.each([
    { name: '2x2 s2 valid', size: 2, strides: 2, pad: 'valid' as const },
    { name: '3x3 s1 pad 1 (VGG pool5)', size: 3, strides: 1, pad: 1 },
  ])(
    'maxPool gradient after ReLU (tied zeros go to the first), 24 channels, $name',
    async ({ size, strides, pad }) => {
      const out = await onBothBackends(() =>
        weightedGrads(
          (a) => tf.maxPool(tf.relu(a as tf.Tensor4D), size, strides, pad),
          [seededTensor([2, 10, 12, 24], 13)],
        ),
      );
      expectCloseArrays(out.wasm, out.cpu);
    },
  );

  test.each(POOL_CASES)('avgPool gradient (wasm kernel kept), $name', async ({ x, size, strides, pad }) => {
    const out = await onBothBackends(() =>
      weightedGrads((a) => tf.avgPool(a as tf.Tensor4D, size, strides, pad), [seededTensor(x, 12)]),
    );
    expectCloseArrays(out.wasm, out.cpu);
  });

  test('ceil mode emulated by -inf padding then valid pooling (PyTorch MaxPool2d(2, 2, ceil_mode=True))', async () => {
    const pooled = (a: tf.Tensor) =>
      tf.maxPool(
        tf.pad(
          a,
          [
            [0, 0],
            [0, 1],
            [0, 1],
            [0, 0],
          ],
          Number.NEGATIVE_INFINITY,
        ) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
    const out = await onBothBackends(() => weightedGrads(pooled, [seededTensor([2, 75, 75, 3], 13)]));
    expectCloseArrays(out.wasm, out.cpu);
  });

  test('ties go to the first maximum of the window in row-major order, as in TensorFlow', async () => {
    // Windows (2x2, stride 2) of a 4x4 single-channel image; tied maxima marked *.
    const x = [
      [1, 5, /**/ 5, 2],
      [4, 0, /**/ 9, 9],
      [7, 7, /**/ 10, 11],
      [7, 7, /**/ 15, 14],
    ];
    const dx = await runOn('wasm', () =>
      tf.grad((a) =>
        tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]))),
      )(tf.tensor4d(x.flat(), [1, 4, 4, 1])),
    );
    expect(Array.from(dx[0]!)).toEqual([0, 1, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 4, 0]);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  test('sums rows into segments and drops out-of-range ids, as the pure-JS backend does', async () => {
    const out = await onBothBackends(
      () =>
        tf
          .engine()
          .runKernel(
            tf.UnsortedSegmentSum,
            { x: seededTensor([6, 2, 3], 21), segmentIds: tf.tensor1d([3, 0, 3, -1, 5, 0], 'int32') },
            { numSegments: 4 },
          ) as tf.Tensor,
    );
    expectCloseArrays(out.wasm, out.cpu);
  });

  test('with 2-D segment ids, each id takes the trailing row (TensorFlow semantics), int32 kept', async () => {
    const [sums] = await runOn(
      'wasm',
      () =>
        tf.engine().runKernel(
          tf.UnsortedSegmentSum,
          {
            x: tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'),
            segmentIds: tf.tensor2d([1, 1, 0, 1], [2, 2], 'int32'),
          },
          { numSegments: 3 },
        ) as tf.Tensor,
    );
    // Rows [1,2],[3,4],[5,6],[7,8] go to segments 1,1,0,1; segment 2 gets nothing.
    expect(sums).toBeInstanceOf(Int32Array);
    expect(Array.from(sums!)).toEqual([5, 6, 11, 14, 0, 0]);
  });

  test.each([0, 1])('gather gradient along axis %i with repeated indices', async (axis) => {
    const indices = [4, 0, 4, 2, 4, 1];
    const out = await onBothBackends(() =>
      weightedGrads((a) => tf.gather(a, tf.tensor1d(indices, 'int32'), axis), [seededTensor([5, 5, 3], 22)]),
    );
    expectCloseArrays(out.wasm, out.cpu);
  });
});
