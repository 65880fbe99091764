import { availableParallelism } from 'node:os';
import type { SSDConfig } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradients, registerWebGpuGradientKernels, useOrtConvolutions } from '../kernels';
import { resolveTrainWorkers } from './parallel/plan';

/**
 * Registers the gradients training needs on the current backend (tfjs's, plus the ones wasm/webgpu lack) and,
 * on wasm, where SOLVER.CONV_RUNTIME asks for it and onnxruntime-node loads, runs the convolutions on ONNX
 * Runtime with the cores shared between the training threads. Returns a line saying what runs the
 * convolutions on wasm (null elsewhere); throws for 'onnxruntime' where it cannot be used.
 */
export function registerTrainingKernels(cfg: SSDConfig): string | null {
  registerTfjsGradients();
  const backend = tf.getBackend();
  const mode = cfg.SOLVER.CONV_RUNTIME;
  if (backend === 'webgpu') registerWebGpuGradientKernels();
  if (backend !== 'wasm') {
    if (mode === 'onnxruntime') {
      throw new Error(
        `not supported: SOLVER.CONV_RUNTIME onnxruntime on backend '${backend}' (it runs wasm's convolutions; use MODEL.DEVICE wasm, or 'auto')`,
      );
    }
    return null;
  }
  // useOrtConvolutions registers wasm's gradient kernels on every path, then wraps its convolutions.
  if (mode === 'tfjs') {
    useOrtConvolutions(null);
    return "Convolutions: wasm's own (SOLVER.CONV_RUNTIME tfjs)";
  }
  const cores = availableParallelism();
  const threads = Math.max(1, Math.floor(cores / resolveTrainWorkers(cfg, backend, cores)));
  try {
    useOrtConvolutions(threads);
  } catch (e) {
    if (mode === 'onnxruntime') throw e;
    useOrtConvolutions(null);
    return `Convolutions: wasm's own; ${(e as Error).message.split(' (')[0]} (SOLVER.CONV_RUNTIME auto)`;
  }
  return `Convolutions: ONNX Runtime's CPU kernels, ${threads} thread${threads === 1 ? '' : 's'} per training thread (SOLVER.CONV_RUNTIME ${mode})`;
}
