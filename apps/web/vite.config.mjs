// The demo's static build: relative asset URLs (it can be served from any folder), ES2022 (top-level await).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  // onnxruntime-web finds its .wasm beside its own module: pre-bundling it for the dev server would move it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  preview: { host: '127.0.0.1' },
});
