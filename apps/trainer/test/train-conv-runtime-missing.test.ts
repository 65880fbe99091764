// SOLVER.CONV_RUNTIME where onnxruntime-node cannot be loaded: auto falls back to wasm's convolutions and says
// what to install; onnxruntime fails with that message.
import { loadConfig } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setUpTrainingKernels } from '../src';

const MISSING =
  "install onnxruntime-node@1.30.0 to run convolutions on ONNX Runtime (ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0): Cannot find module 'onnxruntime-node/package.json'";

jest.mock('@ssd/onnx', () => ({
  ...jest.requireActual('@ssd/onnx'),
  loadSyncRuntime: () => {
    throw new Error(MISSING);
  },
}));

const config = (runtime: string) =>
  loadConfig(undefined, ['SOLVER.CONV_RUNTIME', runtime, 'SOLVER.TRAIN_WORKERS', '1']);

it('auto falls back to wasm’s own convolutions, saying what to install; onnxruntime throws it', async () => {
  await tf.setBackend('wasm');
  expect(setUpTrainingKernels(config('auto'))).toBe(
    "Convolutions: wasm's own; install onnxruntime-node@1.30.0 to run convolutions on ONNX Runtime (SOLVER.CONV_RUNTIME auto)",
  );
  expect(() => setUpTrainingKernels(config('onnxruntime'))).toThrow(MISSING);
});
