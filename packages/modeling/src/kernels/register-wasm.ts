import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter';
import { depthwiseBackpropInput } from './depthwise-backprop-input';
import { maxPoolGrad } from './max-pool-grad';
import { registerTfjsGradients } from './tfjs-gradients';
import { unsortedSegmentSum } from './unsorted-segment-sum';

const WASM = 'wasm';

/**
 * Kernels that gradients of an SSD network run and tfjs-backend-wasm 4.22.0 lacks, gets wrong (MaxPoolGrad)
 * or runs slowly (Conv2DBackpropInput), keyed by kernel name.
 */
const WASM_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.Conv2DBackpropInput]: conv2dBackpropInput,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  [tf.MaxPoolGrad]: maxPoolGrad,
  [tf.UnsortedSegmentSum]: unsortedSegmentSum,
};

/**
 * Makes training work on the wasm backend: registers tfjs's gradients and the missing, faulty or slow wasm
 * gradient kernels; returns their kernel names. Idempotent. Call it after loading
 * @tensorflow/tfjs-backend-wasm (before or after `tf.setBackend('wasm')`): loading that package registers its
 * own MaxPoolGrad and Conv2DBackpropInput.
 */
export function registerWasmGradientKernels(): string[] {
  if (tf.getKernel(tf.MaxPool, WASM) == null) {
    throw new Error(
      'registerWasmGradientKernels: load @tensorflow/tfjs-backend-wasm first (no wasm kernels are registered)',
    );
  }
  registerTfjsGradients();
  for (const [kernelName, kernelFunc] of Object.entries(WASM_GRADIENT_KERNELS)) {
    const current = tf.getKernel(kernelName, WASM);
    if (current?.kernelFunc === kernelFunc) continue;
    // Unregistering first replaces wasm's own kernel without tfjs's "already registered" warning.
    if (current) tf.unregisterKernel(kernelName, WASM);
    tf.registerKernel({ kernelName, backendName: WASM, kernelFunc });
  }
  return Object.keys(WASM_GRADIENT_KERNELS);
}
