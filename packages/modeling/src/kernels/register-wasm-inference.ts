import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { cascadeMeanKernel, cascadeSumKernel } from './cascade-reduce';
import { replaceKernel } from './replace-kernel';

const WASM = 'wasm';

/**
 * wasm kernels that lose precision on inputs a forward pass gives them, keyed by kernel name: each factory wraps
 * wasm's own kernel, which keeps the inputs the replacement does not take.
 */
const WASM_ACCURATE_KERNELS: Readonly<Record<string, (own: KernelFunc) => KernelFunc>> = {
  [tf.Sum]: cascadeSumKernel,
  [tf.Mean]: cascadeMeanKernel,
};

/**
 * The kernels made from WASM_ACCURATE_KERNELS and every wrapper around them (see {@link keepsAccuracy}): a
 * kernel in here already has the accurate one inside, so registering again does not wrap it twice.
 */
const accurate = new WeakSet<KernelFunc>();

/**
 * Records that `wrapper` wraps `own` and keeps it inside: if `own` is accurate, so is `wrapper`. Kernel
 * wrappers registered on top of the accurate ones (the training side's faster reductions) call it.
 */
export function keepsAccuracy(wrapper: KernelFunc, own: KernelFunc): void {
  if (accurate.has(own)) accurate.add(wrapper);
}

/**
 * Makes inference on the wasm backend match the reference: replaces wasm kernels that lose precision (float32
 * Sum and Mean, summed one value after another) with accurate ones; returns their kernel names. Idempotent and
 * cheap once done, so `SSDDetector.predict` calls it whenever it runs on wasm. Needs
 * @tensorflow/tfjs-backend-wasm loaded.
 */
export function registerWasmInferenceKernels(): string[] {
  for (const [kernelName, wrap] of Object.entries(WASM_ACCURATE_KERNELS)) {
    const own = tf.getKernel(kernelName, WASM);
    if (own == null) {
      throw new Error(
        `registerWasmInferenceKernels: load @tensorflow/tfjs-backend-wasm first (no wasm ${kernelName} kernel)`,
      );
    }
    if (accurate.has(own.kernelFunc)) continue;
    const kernel = wrap(own.kernelFunc);
    accurate.add(kernel);
    replaceKernel(WASM, kernelName, kernel, own);
  }
  return Object.keys(WASM_ACCURATE_KERNELS);
}
