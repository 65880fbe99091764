/**
 * `.onnx` models in a page run on ONNX Runtime Web through @ssd/onnx, an optional peer: a page that wants them
 * imports '@ssd/onnx', whose browser build registers its loader under a global symbol (as tfjs backends register
 * themselves), so a bundle without it still builds and `.onnx` files get a clear message instead.
 */
import type { SSDConfig } from '@ssd/config';
import type { Detector } from '../inference/detector';

/** What @ssd/onnx's browser build registers: opening an export's bytes on an execution provider. */
export interface BrowserOnnxLoader {
  load(
    model: Uint8Array,
    name: string,
    cfg: SSDConfig,
    options: { readonly provider: 'webgpu' | 'wasm'; readonly wasmPaths?: string },
  ): Promise<Detector>;
}

/** The global symbol @ssd/onnx's browser build registers under (its `browser.ts` names the same). */
const ONNX_LOADER = Symbol.for('@ssd/onnx.browser-loader');

/** The loader a page registered by importing '@ssd/onnx', or an error saying how to. */
export function onnxLoader(file: string): BrowserOnnxLoader {
  const loader = (globalThis as { [ONNX_LOADER]?: BrowserOnnxLoader })[ONNX_LOADER];
  if (!loader) {
    throw new Error(
      `${file}: to run .onnx models in a page, install @ssd/onnx and onnxruntime-web and import '@ssd/onnx' in it`,
    );
  }
  return loader;
}
