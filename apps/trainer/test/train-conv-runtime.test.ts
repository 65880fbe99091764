// SOLVER.CONV_RUNTIME: what setUpTrainingKernels makes run a training step's convolutions on each backend,
// with how many ONNX Runtime threads, and its errors.
import { availableParallelism } from 'node:os';
import { loadConfig } from '@ssd/config';
import { OrtConvRunner } from '@ssd/onnx';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setUpTrainingKernels } from '../src';

const forward = jest.spyOn(OrtConvRunner.prototype, 'forward');

/** Runs a small convolution on the current backend; returns whether ONNX Runtime ran it. */
function convolvedOnOrt(): boolean {
  forward.mockClear();
  tf.tidy(() =>
    tf
      .conv2d(
        tf.randomUniform([1, 6, 6, 8], -1, 1, 'float32', 1) as tf.Tensor4D,
        tf.randomUniform([3, 3, 8, 4], -1, 1, 'float32', 2) as tf.Tensor4D,
        1,
        'same',
      )
      .dataSync(),
  );
  return forward.mock.calls.length > 0;
}

const config = (runtime: string, workers: number) =>
  loadConfig(undefined, [
    'SOLVER.CONV_RUNTIME',
    runtime,
    'SOLVER.TRAIN_WORKERS',
    String(workers),
    'SOLVER.BATCH_SIZE',
    '8',
  ]);

describe('SOLVER.CONV_RUNTIME', () => {
  it('on wasm: ONNX Runtime with the cores shared between the training threads, or wasm’s own', async () => {
    await tf.setBackend('wasm');
    const cores = availableParallelism();
    const one = Math.max(1, cores);
    expect(setUpTrainingKernels(config('onnxruntime', 1))).toBe(
      `Convolutions: ONNX Runtime's CPU kernels, ${one} thread${one === 1 ? '' : 's'} per training thread (SOLVER.CONV_RUNTIME onnxruntime)`,
    );
    expect(convolvedOnOrt()).toBe(true);
    expect(forward.mock.contexts[0]).toHaveProperty('threads', one);
    const shared = Math.max(1, Math.floor(cores / Math.min(cores, 8)));
    expect(setUpTrainingKernels(config('auto', 0))).toMatch(
      new RegExp(`ONNX Runtime's CPU kernels, ${shared} thread`),
    );
    expect(convolvedOnOrt()).toBe(true);
    expect(forward.mock.contexts[0]).toHaveProperty('threads', shared);
    expect(setUpTrainingKernels(config('tfjs', 1))).toBe(
      "Convolutions: wasm's own (SOLVER.CONV_RUNTIME tfjs)",
    );
    expect(convolvedOnOrt()).toBe(false);
  });

  it('elsewhere: the backend’s own; onnxruntime is not supported', async () => {
    await tf.setBackend('cpu');
    expect(setUpTrainingKernels(config('auto', 1))).toBeNull();
    expect(() => setUpTrainingKernels(config('onnxruntime', 1))).toThrow(
      "not supported: SOLVER.CONV_RUNTIME onnxruntime on backend 'cpu' (it runs wasm's convolutions; use MODEL.DEVICE wasm, or 'auto')",
    );
  });

  it('rejects other values, naming the key', () => {
    expect(() => config('cuda', 1)).toThrow(/SOLVER\.CONV_RUNTIME/);
  });
});
