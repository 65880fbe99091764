export { registerWasmGradientKernels } from './register-wasm';
export { registerTfjsGradients } from './tfjs-gradients';
