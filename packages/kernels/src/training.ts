import { registerTfjsGradients } from './gradients/tfjs-gradients';
import { registerInferenceKernels } from './inference';
import { useOrtConvolutions } from './ort/ort-convolutions';
import { registerWasmTrainingKernels } from './wasm/training-kernels';
import { registerWebGpuTrainingKernels } from './webgpu/training-kernels';

/** Options of `registerTrainingKernels`. */
export interface TrainingKernelOptions {
  /**
   * wasm only: run the convolutions (forward and both gradients) on ONNX Runtime's CPU kernels with this many
   * threads each (needs onnxruntime-node; throws saying what to install when it does not load), or, null or
   * absent, on wasm's own kernels.
   */
  ortThreads?: number | null;
}

/** See `registerTrainingKernels` in the package's entry, which loads this module on first use. */
export function registerTrainingKernels(backend: string, options: TrainingKernelOptions = {}): string[] {
  const ortThreads = options.ortThreads ?? null;
  if (ortThreads !== null && backend !== 'wasm') {
    throw new Error(
      `not supported: ONNX Runtime convolutions on backend '${backend}' (they stand in for wasm's): set ortThreads only on wasm`,
    );
  }
  registerTfjsGradients();
  // wasm's training kernels register its inference kernels first (faster reductions wrap the accurate ones);
  // the ONNX Runtime wrappers keep the wasm gradient kernels for what ONNX Runtime does not run.
  if (backend === 'wasm')
    return [...new Set([...registerWasmTrainingKernels(), ...useOrtConvolutions(ortThreads)])];
  const names = registerInferenceKernels(backend);
  if (backend === 'webgpu') names.push(...registerWebGpuTrainingKernels());
  return names;
}
