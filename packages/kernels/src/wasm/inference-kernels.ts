import * as tf from '@tensorflow/tfjs-core';
import { installKernels, type KernelTable } from '../registry';
import { cascadeMeanKernel, cascadeSumKernel } from './cascade-reduce';

/**
 * wasm kernels that lose precision on inputs a forward pass gives them (float32 Sum and Mean, summed one value
 * after another): each wrapper keeps wasm's own kernel for the inputs it does not take.
 */
const WASM_INFERENCE_KERNELS: KernelTable = {
  backend: 'wasm',
  replace: {},
  wrap: { [tf.Sum]: cascadeSumKernel, [tf.Mean]: cascadeMeanKernel },
};

/**
 * Makes inference on the wasm backend match the reference; returns the kernel names. Idempotent. Needs
 * @tensorflow/tfjs-backend-wasm loaded (before or after `tf.setBackend('wasm')`).
 */
export function registerWasmInferenceKernels(): string[] {
  if (tf.getKernel(tf.Sum, 'wasm') == null) {
    throw new Error(
      'registerInferenceKernels: load @tensorflow/tfjs-backend-wasm first (no wasm Sum kernel)',
    );
  }
  return installKernels(WASM_INFERENCE_KERNELS, 'registerInferenceKernels');
}
