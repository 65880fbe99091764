import { loadSyncRuntime, OrtConvRunner } from '@ssd/onnx';
import { installKernels } from '../registry';
import { ortConvKernels } from './conv-kernels';

/** The runner the wrappers call while on; null: the wrappers pass every call to wasm's own kernels. */
let active: OrtConvRunner | null = null;
const runners = new Map<number, OrtConvRunner>();
/** Made once: the registry knows a wrapper by the factory that made it. */
const ORT_CONV_KERNELS = ortConvKernels(() => active);

/**
 * Runs wasm's convolutions (forward, fused forward, both gradients) on ONNX Runtime's CPU kernels with
 * `threads` threads each, or with `threads` null back on wasm's own; returns the kernel names it wraps.
 * Throws, saying what to install, when onnxruntime-node cannot be loaded. Call after the wasm training
 * kernels are registered: the wrappers keep them for what ONNX Runtime does not run.
 */
export function useOrtConvolutions(threads: number | null): string[] {
  if (threads !== null) loadSyncRuntime();
  const names = installKernels(ORT_CONV_KERNELS, 'registerTrainingKernels');
  if (threads === null) {
    active = null;
    return names;
  }
  let runner = runners.get(threads);
  if (!runner) {
    runner = new OrtConvRunner(threads);
    runners.set(threads, runner);
  }
  active = runner;
  return names;
}
