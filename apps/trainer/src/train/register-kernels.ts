import * as tf from '@tensorflow/tfjs-core';
import {
  registerTfjsGradients,
  registerWasmGradientKernels,
  registerWebGpuGradientKernels,
} from '../kernels';

/** Registers the gradients training needs on the current backend (tfjs's, plus the ones wasm/webgpu lack). */
export function registerTrainingKernels(): void {
  registerTfjsGradients();
  if (tf.getBackend() === 'wasm') registerWasmGradientKernels();
  if (tf.getBackend() === 'webgpu') registerWebGpuGradientKernels();
}
