import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradients } from '../tfjs-gradients';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter';

const WEBGPU = 'webgpu';

/**
 * Gradient kernels of an SSD network that tfjs-backend-webgpu 4.22.0 runs with too little parallelism for
 * a GPU (one thread per filter element looping over the whole batch), keyed by kernel name.
 */
const WEBGPU_GRADIENT_KERNELS: Readonly<Record<string, KernelFunc>> = {
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
};

/**
 * Makes training fast on the webgpu backend: registers tfjs's gradients and our split-K filter-gradient
 * kernels, and selects webgpu's tiled matrix-product kernel for the input gradient of convolutions (its
 * default is a naive loop per input element); returns the kernel names registered. Idempotent. Call it
 * after loading @tensorflow/tfjs-backend-webgpu.
 */
export function registerWebGpuGradientKernels(): string[] {
  if (tf.getKernel(tf.Conv2D, WEBGPU) == null) {
    throw new Error(
      'registerWebGpuGradientKernels: load @tensorflow/tfjs-backend-webgpu first (no webgpu kernels are registered)',
    );
  }
  registerTfjsGradients();
  for (const [kernelName, kernelFunc] of Object.entries(WEBGPU_GRADIENT_KERNELS)) {
    const current = tf.getKernel(kernelName, WEBGPU);
    if (current?.kernelFunc === kernelFunc) continue;
    // Unregistering first replaces webgpu's own kernel without tfjs's "already registered" warning.
    if (current) tf.unregisterKernel(kernelName, WEBGPU);
    tf.registerKernel({ kernelName, backendName: WEBGPU, kernelFunc });
  }
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', false);
  return Object.keys(WEBGPU_GRADIENT_KERNELS);
}
