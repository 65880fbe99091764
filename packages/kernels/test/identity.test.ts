import * as tf from '@tensorflow/tfjs-core';
import { setUpBackends } from './kernels-helpers';

beforeAll(setUpBackends);

test('Identity and same-type Cast on wasm share their input data, and outlive the input', async () => {
  await tf.setBackend('wasm');
  const buffers = () => tf.engine().backend.numDataIds();
  const a = tf.tensor2d([1.5, -2, 3, 4.25], [2, 2]);
  const before = buffers();
  const b = tf.clone(a);
  const c = tf.cast(a, 'float32');
  expect(buffers()).toBe(before);
  a.dispose();
  expect(Array.from(b.dataSync())).toEqual([1.5, -2, 3, 4.25]);
  expect(Array.from(c.dataSync())).toEqual([1.5, -2, 3, 4.25]);
  b.dispose();
  expect(Array.from(c.dataSync())).toEqual([1.5, -2, 3, 4.25]);
  c.dispose();
  expect(buffers()).toBe(before - 1);
});

test('Cast between types still converts on wasm', async () => {
  await tf.setBackend('wasm');
  tf.tidy(() => {
    const x = tf.tensor1d([1.7, -2.2, 0]);
    const ints = tf.cast(x, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 0]);
    expect(Array.from(tf.cast(ints, 'float32').dataSync())).toEqual([1, -2, 0]);
  });
});

test('a custom gradient that saves a tensor (as training batch-norm does) still differentiates on wasm', async () => {
  await tf.setBackend('wasm');
  const square = tf.customGrad((x, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor]);
    return {
      value: tf.square(x as tf.Tensor),
      gradFunc: (dy, saved) => [tf.mul(tf.mul(dy as tf.Tensor, saved[0]!), 2)],
    };
  });
  const g = tf.tidy(() =>
    tf
      .grad((x) => tf.sum(square(x)))(tf.tensor1d([1, -3, 0.5]))
      .dataSync(),
  );
  expect(Array.from(g)).toEqual([2, -6, 1]);
});
