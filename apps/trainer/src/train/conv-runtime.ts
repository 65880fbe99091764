import { availableParallelism } from 'node:os';
import type { SSDConfig } from '@ssd/config';
import { registerTrainingKernels } from '@ssd/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { resolveTrainWorkers } from '../step/plan';

/**
 * Registers the kernels training needs on the current backend (`registerTrainingKernels` of @ssd/kernels) and,
 * on wasm, where SOLVER.CONV_RUNTIME asks for it and onnxruntime-node loads, runs the convolutions on ONNX
 * Runtime with the cores shared between the training threads. Returns a line saying what runs the
 * convolutions on wasm (null elsewhere); throws for 'onnxruntime' where it cannot be used.
 */
export function setUpTrainingKernels(cfg: SSDConfig): string | null {
  const backend = tf.getBackend();
  const mode = cfg.SOLVER.CONV_RUNTIME;
  if (backend !== 'wasm') {
    if (mode === 'onnxruntime') {
      throw new Error(
        `not supported: SOLVER.CONV_RUNTIME onnxruntime on backend '${backend}' (it runs wasm's convolutions; use MODEL.DEVICE wasm, or 'auto')`,
      );
    }
    registerTrainingKernels(backend);
    return null;
  }
  if (mode === 'tfjs') {
    registerTrainingKernels(backend, { ortThreads: null });
    return "Convolutions: wasm's own (SOLVER.CONV_RUNTIME tfjs)";
  }
  const cores = availableParallelism();
  const threads = Math.max(1, Math.floor(cores / resolveTrainWorkers(cfg, backend, cores)));
  try {
    registerTrainingKernels(backend, { ortThreads: threads });
  } catch (e) {
    if (mode === 'onnxruntime') throw e;
    registerTrainingKernels(backend, { ortThreads: null });
    return `Convolutions: wasm's own; ${(e as Error).message.split(' (')[0]} (SOLVER.CONV_RUNTIME auto)`;
  }
  return `Convolutions: ONNX Runtime's CPU kernels, ${threads} thread${threads === 1 ? '' : 's'} per training thread (SOLVER.CONV_RUNTIME ${mode})`;
}
