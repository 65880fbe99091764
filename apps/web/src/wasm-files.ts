/**
 * tfjs-backend-wasm's binaries, served with the app: Vite emits each file these URLs name into the build, so the
 * demo runs without a CDN (and offline once loaded).
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** `wasmPaths` for `Predictor.load`: a URL for each binary. */
export const TFJS_WASM_PATHS = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threaded,
} as const;
