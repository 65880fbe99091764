import * as tf from '@tensorflow/tfjs-core';
import {
  expectCloseArrays,
  onBothBackends,
  runOn,
  seeded,
  seededTensor,
  setUpBackends,
} from './kernels-helpers';

beforeAll(setUpBackends);

interface ReduceCase {
  name: string;
  shape: number[];
  axis: number | number[];
  keepDims: boolean;
}

// Leading axes take the average-pooling path; the rest go to wasm's own kernels.
const REDUCE_CASES: ReduceCase[] = [
  { name: 'batch-norm statistics [0,1,2] of NHWC', shape: [3, 7, 5, 6], axis: [0, 1, 2], keepDims: false },
  { name: 'keepDims, axes given out of order', shape: [2, 5, 4, 3], axis: [2, 0, 1], keepDims: true },
  { name: 'one leading axis of a matrix', shape: [37, 4], axis: 0, keepDims: false },
  { name: 'two leading axes of a rank-3 tensor', shape: [4, 9, 5], axis: [0, 1], keepDims: true },
  { name: 'negative axes naming leading ones', shape: [3, 4, 5], axis: [-3], keepDims: false },
  { name: 'inner axes (wasm kernel)', shape: [2, 6, 5, 3], axis: [1, 2], keepDims: false },
  { name: 'last axis (wasm kernel)', shape: [4, 7], axis: -1, keepDims: true },
  { name: 'every axis (wasm kernel)', shape: [3, 4, 2], axis: [0, 1, 2], keepDims: false },
];

describe('Sum and Mean on wasm match the pure-JS backend', () => {
  test.each(REDUCE_CASES)('$name', async ({ shape, axis, keepDims }) => {
    const out = await onBothBackends(() => {
      const x = seededTensor(shape, 21);
      return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
    });
    expect(out.wasm.map((a) => a.length)).toEqual(out.cpu.map((a) => a.length));
    expectCloseArrays(out.wasm, out.cpu, 1e-6);
  });

  test('output shapes follow keepDims', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const x = tf.zeros([2, 3, 4, 5]);
      expect(tf.sum(x, [0, 1, 2], true).shape).toEqual([1, 1, 1, 5]);
      expect(tf.mean(x, [0, 1]).shape).toEqual([4, 5]);
    });
  });

  test('a batch-norm sized reduction over 51 200 positions stays accurate', async () => {
    const values = seeded(51200 * 3, 22);
    const exact = [0, 1, 2].map((c) => values.reduce((s, v, i) => (i % 3 === c ? s + v : s), 0));
    const [sums, means] = await runOn('wasm', () => {
      const x = tf.tensor4d(values, [8, 80, 80, 3]);
      return [tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1, 2])];
    });
    exact.forEach((e, c) => {
      expect(Math.abs(sums![c]! - e)).toBeLessThan(1e-3);
      expect(Math.abs(means![c]! - e / 51200)).toBeLessThan(1e-7);
    });
  });

  test('int32 sums keep wasm kernels', async () => {
    const [ints] = await runOn('wasm', () => [tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0)]);
    expect(Array.from(ints!)).toEqual([9, 12]);
  });
});

test('the Relu6 gradient equals tfjs own formula bit for bit, at the kinks 0 and 6 and beyond', async () => {
  const special = [0, 6, -0, 5.999999523162842, 6.000000476837158, 1e-30, -1e-30, 1e30, -1e30, 3];
  const x = Float32Array.from([...special, ...Array.from(seeded(200, 23), (u) => u * 9)]);
  const dy = seeded(x.length, 24);
  for (const backend of ['cpu', 'wasm']) {
    const [ours, tfjs] = await runOn(backend, () => {
      const xs = tf.tensor1d(x);
      const dys = tf.tensor1d(dy);
      const mask = tf.mul(tf.lessEqual(xs, 6), tf.step(xs));
      return [tf.grad((v) => tf.relu6(v))(xs, dys), tf.mul(dys, tf.cast(mask, 'float32'))];
    });
    expect(Array.from(ours!)).toEqual(Array.from(tfjs!));
  }
});
