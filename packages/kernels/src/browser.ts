/**
 * @ssd/kernels in a browser (the `browser` and `import` conditions of its exports): the inference kernels and the
 * registry they are installed through. The training kernels need Node (ONNX Runtime's native binding, worker
 * threads) and are not in this build.
 */
export { registerInferenceKernels } from './inference';
export { type OpsKernelBody, opsKernel } from './ops-kernel';
export { installKernels, type KernelTable, type KernelWrapper } from './registry';

/** Not in a browser: training needs Node. */
export function registerTrainingKernels(): never {
  throw new Error('not supported in the browser: registerTrainingKernels (training runs in Node)');
}
