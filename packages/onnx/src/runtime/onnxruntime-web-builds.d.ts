// The repository compiles with node10 module resolution, which does not read package exports; onnxruntime-web's
// builds (its package's "./webgpu" and "./wasm" exports) have the package's own types.
declare module 'onnxruntime-web/webgpu' {
  export * from 'onnxruntime-web';
}
declare module 'onnxruntime-web/wasm' {
  export * from 'onnxruntime-web';
}
