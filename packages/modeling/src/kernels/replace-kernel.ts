import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Registers `kernelFunc` as `backendName`'s `kernelName`, replacing `own` (the kernel registered so far, if any). */
export function replaceKernel(
  backendName: string,
  kernelName: string,
  kernelFunc: KernelFunc,
  own: tf.KernelConfig | undefined,
): void {
  // Unregistering first replaces the backend's own kernel without tfjs's "already registered" warning.
  if (own) tf.unregisterKernel(kernelName, backendName);
  // A backend's setup binds its kernel (e.g. to the wasm module) when the backend starts; wrappers call that kernel.
  tf.registerKernel({ kernelName, backendName, kernelFunc, setupFunc: own?.setupFunc });
}
