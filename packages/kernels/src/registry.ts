/**
 * The one bookkeeping of the kernels this package puts on tfjs backends. A table replaces some of a backend's
 * kernels and wraps others (the wrapper calls the backend's kernel for what it does not take over); tables
 * stack (training's faster reductions wrap inference's accurate ones, ONNX Runtime's convolutions wrap the
 * wasm gradient kernels) and installing any of them again changes nothing.
 */
import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Makes a kernel around the kernel registered so far (`own`), which it calls for what it does not take. */
export type KernelWrapper = (own: KernelFunc) => KernelFunc;

/** A backend's kernels: ones that replace its own, and wrappers around its own, keyed by kernel name. */
export interface KernelTable {
  backend: string;
  replace: Readonly<Record<string, KernelFunc>>;
  wrap: Readonly<Record<string, KernelWrapper>>;
}

/** What installed a kernel: the table entry (a replacement kernel or a wrapper factory), and what it wraps. */
interface Installed {
  entry: KernelFunc | KernelWrapper;
  inner?: KernelFunc;
}

/** Every kernel installed here. A kernel not in it is the backend's own (or someone else's). */
const installed = new WeakMap<KernelFunc, Installed>();

/** Whether `entry` made `kernel` or a kernel `kernel` wraps, however deep. */
function madeBy(kernel: KernelFunc | undefined, entry: KernelFunc | KernelWrapper): boolean {
  for (let k = kernel; k !== undefined; k = installed.get(k)?.inner) {
    if (k === entry || installed.get(k)?.entry === entry) return true;
  }
  return false;
}

/** Registers `kernelFunc` as `backendName`'s `kernelName`, replacing `own` (the kernel registered so far). */
function register(
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

/**
 * Registers a table's kernels on its backend. Idempotent: a replacement already registered (or wrapped by
 * later tables) stays, and a wrapper is not wrapped around a kernel it already wraps. Returns the kernel
 * names; `caller` names the function in errors.
 */
export function installKernels(table: KernelTable, caller: string): string[] {
  const { backend, replace, wrap } = table;
  for (const [kernelName, kernelFunc] of Object.entries(replace)) {
    const current = tf.getKernel(kernelName, backend);
    if (madeBy(current?.kernelFunc, kernelFunc)) continue;
    installed.set(kernelFunc, { entry: kernelFunc });
    register(backend, kernelName, kernelFunc, current);
  }
  for (const [kernelName, factory] of Object.entries(wrap)) {
    const own = tf.getKernel(kernelName, backend);
    if (own == null) throw new Error(`${caller}: ${backend} has no ${kernelName} kernel to wrap`);
    if (madeBy(own.kernelFunc, factory)) continue;
    const wrapper = factory(own.kernelFunc);
    installed.set(wrapper, { entry: factory, inner: own.kernelFunc });
    register(backend, kernelName, wrapper, own);
  }
  return [...Object.keys(replace), ...Object.keys(wrap)];
}
