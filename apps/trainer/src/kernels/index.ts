export { useOrtConvolutions } from './register-ort';
export { registerWasmGradientKernels } from './register-wasm';
export { registerTfjsGradients } from './tfjs-gradients';
export { registerWebGpuGradientKernels } from './webgpu/register-webgpu';
