import { replaceKernel } from '@ssd/modeling';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** A backend's training kernels: ones that replace its own, and wrappers around its own, keyed by kernel name. */
export interface KernelTable {
  backend: string;
  replace: Readonly<Record<string, KernelFunc>>;
  /** Each factory wraps the backend's own kernel, which keeps the inputs the wrapper passes on. */
  wrap: Readonly<Record<string, (own: KernelFunc) => KernelFunc>>;
}

/**
 * Every wrapper made here and the kernel it wraps, so that installing a table again neither wraps a wrapper
 * nor replaces a wrapper around the very kernel it would install.
 */
const wrapped = new WeakMap<KernelFunc, KernelFunc>();

/**
 * Registers a table's kernels on its backend (idempotent); `onWrap` sees each new wrapper and the kernel it
 * wraps. Returns the kernel names installed; `caller` names the function in errors.
 */
export function installKernels(
  table: KernelTable,
  caller: string,
  onWrap?: (wrapper: KernelFunc, own: KernelFunc) => void,
): string[] {
  const { backend, replace, wrap } = table;
  for (const [kernelName, kernelFunc] of Object.entries(replace)) {
    const current = tf.getKernel(kernelName, backend);
    const installed = current?.kernelFunc;
    if (installed !== kernelFunc && (installed == null || wrapped.get(installed) !== kernelFunc)) {
      replaceKernel(backend, kernelName, kernelFunc, current);
    }
  }
  for (const [kernelName, factory] of Object.entries(wrap)) {
    const own = tf.getKernel(kernelName, backend);
    if (own == null) throw new Error(`${caller}: ${backend} has no ${kernelName} kernel to speed up`);
    if (wrapped.has(own.kernelFunc)) continue;
    const wrapper = factory(own.kernelFunc);
    wrapped.set(wrapper, own.kernelFunc);
    onWrap?.(wrapper, own.kernelFunc);
    replaceKernel(backend, kernelName, wrapper, own);
  }
  return [...Object.keys(replace), ...Object.keys(wrap)];
}
