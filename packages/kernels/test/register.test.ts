/**
 * @jest-environment node
 */
// jest's own per-file context, not the shared single context the other test files run in: these tests need
// a registry in which no other test file has loaded the wasm backend or registered kernels yet.
// Loads modules inside the tests: the first test needs tfjs-core without the wasm backend.
import type * as TF from '@tensorflow/tfjs-core';

const tf: typeof TF = require('@tensorflow/tfjs-core');
const { registerWasmTrainingKernels } =
  require('../src/wasm/training-kernels') as typeof import('../src/wasm/training-kernels');
const { registerTrainingKernels } = require('../src') as typeof import('../src');

const MISSING_ON_WASM = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
];
/** Training batch norm's kernels (modeling's kernel names) and SGD's momentum step, which wasm does not have. */
const OURS_ON_WASM = ['SsdBatchNormApply', 'SsdBatchNormDz', 'SsdBatchNormDx', 'SsdSgdMomentumUpdate'];

test('refuses to run before the wasm backend is loaded, naming the package', () => {
  expect(() => registerWasmTrainingKernels()).toThrow(/@tensorflow\/tfjs-backend-wasm/);
  expect(() => registerTrainingKernels('wasm')).toThrow(/@tensorflow\/tfjs-backend-wasm/);
  expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
});

test('registers the missing kernels and replaces MaxPoolGrad and Conv2DBackpropInput, idempotently', () => {
  require('@tensorflow/tfjs-backend-wasm');
  const replaced = ['MaxPoolGrad', 'Conv2DBackpropInput'];
  const wasmOwn = replaced.map((name) => tf.getKernel(name, 'wasm')!.kernelFunc);
  for (const name of MISSING_ON_WASM) expect(tf.getKernel(name, 'wasm')).toBeUndefined();

  const sped = ['Sum', 'Mean', 'Identity', 'Cast', 'Slice'];
  const spedOwn = sped.map((name) => tf.getKernel(name, 'wasm')!);
  const names = registerWasmTrainingKernels();
  expect([...names].sort()).toEqual([...MISSING_ON_WASM, ...OURS_ON_WASM, ...replaced, ...sped].sort());
  for (const name of names) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  const ours = replaced.map((name) => tf.getKernel(name, 'wasm')!.kernelFunc);
  ours.forEach((kernelFunc, i) => {
    expect(kernelFunc).not.toBe(wasmOwn[i]);
  });
  const wrapped = sped.map((name) => tf.getKernel(name, 'wasm')!);

  // A second call changes nothing and logs no "already registered" warning.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  expect(registerWasmTrainingKernels()).toEqual(names);
  expect(replaced.map((name) => tf.getKernel(name, 'wasm')!.kernelFunc)).toEqual(ours);
  // Sped-up kernels wrap wasm's own once, keeping its setup (which binds it to the wasm module).
  expect(sped.map((name) => tf.getKernel(name, 'wasm')!.kernelFunc)).toEqual(
    wrapped.map((k) => k.kernelFunc),
  );
  wrapped.forEach((config, i) => {
    expect(config.kernelFunc).not.toBe(spedOwn[i]!.kernelFunc);
    expect(config.setupFunc).toBe(spedOwn[i]!.setupFunc);
  });
  expect(wrapped[0]!.setupFunc).toBeDefined();
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
  // The package's entry registers the same kernels and tfjs's gradient functions, absent from tfjs-core's
  // CommonJS build.
  expect(registerTrainingKernels('wasm')).toEqual(expect.arrayContaining(names));
  expect(replaced.map((name) => tf.getKernel(name, 'wasm')!.kernelFunc)).not.toContain(wasmOwn[0]);
  expect(tf.getGradient('Conv2D')).toBeDefined();
});

test('works after tf.setBackend("wasm"), and the op-built kernels leave no tensors or buffers behind', async () => {
  await tf.setBackend('wasm');
  registerTrainingKernels('wasm');
  const x = tf.tensor4d(
    Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i)),
    [2, 6, 6, 3],
  );
  const w = tf.tensor4d(
    Array.from({ length: 3 * 3 * 3 * 2 }, (_, i) => Math.cos(i)),
    [3, 3, 3, 2],
  );
  const w2 = tf.tensor4d(
    Array.from({ length: 3 * 3 * 6 * 4 }, (_, i) => Math.sin(2 * i)),
    [3, 3, 6, 4],
  );
  const before = { tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() };
  // Runs every registered kernel: depthwise and conv backprops, MaxPoolGrad, UnsortedSegmentSum, and Sum and
  // Mean both over leading axes (ours) and over all axes (wasm's own, bound by its setup).
  const grads = tf.grads((a, b, c) => {
    const features = tf.conv2d(
      tf.depthwiseConv2d(a as TF.Tensor4D, b as TF.Tensor4D, 2, 'same'),
      c as TF.Tensor4D,
      1,
      'same',
    );
    const picked = tf.sum(tf.gather(tf.maxPool(features, 3, 1, 'same'), tf.tensor1d([1, 1, 0], 'int32'), 3));
    return tf.add(picked, tf.mean(tf.square(tf.mean(features, [0, 1, 2]))));
  })([x, w, w2]);
  expect(grads.map((g) => g.shape)).toEqual([x.shape, w.shape, w2.shape]);
  tf.dispose(grads);
  expect({ tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() }).toEqual(before);
  tf.dispose([x, w, w2]);
});
