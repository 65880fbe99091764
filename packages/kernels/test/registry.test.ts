// The one replace/wrap bookkeeping, on a made-up backend name: tables stack, and installing any of them again
// changes nothing.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, type KernelTable } from '../src';

const BACKEND = 'registry-test';
/** Each kernel answers with a tensor whose shape spells the chain of kernels that ran, innermost first. */
const tagged = (tag: number, inner?: KernelFunc): KernelFunc =>
  ((args) => {
    const below = inner ? (inner(args) as TensorInfo).shape : [];
    return { dataId: {}, shape: [...below, tag], dtype: 'float32' };
  }) as KernelFunc;
const run = (name: string) =>
  (tf.getKernel(name, BACKEND)!.kernelFunc({ inputs: {}, attrs: {}, backend: {} as never }) as TensorInfo)
    .shape;

const own = tagged(0);
const replacement = tagged(1);
const inner: KernelTable = {
  backend: BACKEND,
  replace: { A: replacement },
  wrap: { B: (k) => tagged(2, k) },
};
const outer: KernelTable = {
  backend: BACKEND,
  replace: {},
  wrap: { A: (k) => tagged(3, k), B: (k) => tagged(4, k) },
};

beforeAll(() => {
  for (const kernelName of ['A', 'B'])
    tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc: own });
});

test('tables stack: a replacement under a wrapper, a wrapper around a wrapper', () => {
  expect(installKernels(inner, 'test')).toEqual(['A', 'B']);
  expect(installKernels(outer, 'test')).toEqual(['A', 'B']);
  expect(run('A')).toEqual([1, 3]);
  expect(run('B')).toEqual([0, 2, 4]);
});

test('installing either table again changes nothing, in any order', () => {
  const before = ['A', 'B'].map((name) => tf.getKernel(name, BACKEND)!.kernelFunc);
  installKernels(inner, 'test');
  installKernels(outer, 'test');
  installKernels(inner, 'test');
  expect(['A', 'B'].map((name) => tf.getKernel(name, BACKEND)!.kernelFunc)).toEqual(before);
});

test('a wrapper needs a kernel to wrap, and says which', () => {
  const table: KernelTable = { backend: BACKEND, replace: {}, wrap: { Missing: (k) => k } };
  expect(() => installKernels(table, 'myRegister')).toThrow(
    `myRegister: ${BACKEND} has no Missing kernel to wrap`,
  );
});
