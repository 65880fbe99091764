import { registerWasmInferenceKernels } from './wasm/inference-kernels';

/** The inference kernels of each backend that has any, by tfjs backend name. */
const INFERENCE_KERNELS: Readonly<Record<string, () => string[]>> = {
  wasm: registerWasmInferenceKernels,
};

/**
 * Registers the kernels inference needs on `backend` (a tfjs backend name: 'wasm', 'webgpu', 'cpu', …) to
 * match the reference's numbers; returns their kernel names (none for a backend that needs none). On wasm:
 * float32 Sum and Mean summed in a cascade instead of one value after another. Idempotent and cheap once done;
 * `initBackend` of @ssd/engine calls it for the backend it selects.
 */
export function registerInferenceKernels(backend: string): string[] {
  return INFERENCE_KERNELS[backend]?.() ?? [];
}
