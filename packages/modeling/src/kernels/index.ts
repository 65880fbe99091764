export { type OpsKernelBody, opsKernel } from './ops-kernel';
export { keepsAccuracy, registerWasmInferenceKernels } from './register-wasm-inference';
export { replaceKernel } from './replace-kernel';
