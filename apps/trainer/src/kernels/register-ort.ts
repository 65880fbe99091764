import { loadSyncRuntime, OrtConvRunner } from '@ssd/onnx';
import { installKernels } from './install-kernels';
import { ortConvKernels } from './ort-convs';
import { registerWasmGradientKernels } from './register-wasm';

/** The runner the wrappers call while on; null: the wrappers pass every call to wasm's own kernels. */
let active: OrtConvRunner | null = null;
const runners = new Map<number, OrtConvRunner>();

/**
 * Runs wasm's convolutions (forward, fused forward, both gradients) on ONNX Runtime's CPU kernels with
 * `threads` threads each, or with `threads` null back on wasm's own; returns the kernel names it wraps.
 * Throws, saying what to install, when onnxruntime-node cannot be loaded. Call after loading
 * @tensorflow/tfjs-backend-wasm; it registers the wasm gradient kernels first (the wrappers keep them for
 * what ONNX Runtime does not run).
 */
export function useOrtConvolutions(threads: number | null): string[] {
  if (threads !== null) loadSyncRuntime();
  registerWasmGradientKernels();
  const table = ortConvKernels(() => active);
  const names = installKernels(table, 'useOrtConvolutions');
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
