/**
 * Every kernel ssd-ts adds to a tfjs backend, in one replace/wrap registry: the inference kernels that make a
 * backend match the reference's numbers, and the training kernels (gradients a backend lacks or runs slowly,
 * fused training steps, convolutions on ONNX Runtime).
 */
import type { TrainingKernelOptions } from './training';

export { registerInferenceKernels } from './inference';
export { type OpsKernelBody, opsKernel } from './ops-kernel';
export { installKernels, type KernelTable, type KernelWrapper } from './registry';
export type { TrainingKernelOptions } from './training';

/** What the training kernels import, which an inference-only install leaves out. */
const TRAINING_PEERS = '@tensorflow/tfjs, @ssd/modeling, @ssd/solver and @ssd/onnx';

/**
 * Registers what training needs on `backend` (a tfjs backend name): tfjs's gradients, the inference kernels,
 * and the backend's training kernels — on wasm the gradient kernels it lacks, gets wrong or runs slowly (and,
 * with `options.ortThreads`, convolutions on ONNX Runtime), on webgpu faster filter gradients, fused
 * batch-norm, Relu6-gradient and momentum-step kernels. Returns the kernel names registered or wrapped.
 * Idempotent; call it after loading the backend's package. Its modules load on first call: they need
 * @tensorflow/tfjs, @ssd/modeling, @ssd/solver and @ssd/onnx, optional peers an inference install leaves out.
 */
export function registerTrainingKernels(backend: string, options: TrainingKernelOptions = {}): string[] {
  try {
    const training = require('./training') as typeof import('./training');
    return training.registerTrainingKernels(backend, options);
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error(
      `registerTrainingKernels: install ${TRAINING_PEERS} to train (${(e as Error).message.split('\n')[0]})`,
      { cause: e },
    );
  }
}
