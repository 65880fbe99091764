/**
 * ONNX Runtime in a page: onnxruntime-web, an optional peer like onnxruntime-node is in Node (load-ort.ts). Its
 * WebGPU build (`onnxruntime-web/webgpu`) for the webgpu execution provider, its smaller WebAssembly-only build
 * (`onnxruntime-web/wasm`) otherwise; each is imported (and its .wasm fetched) on first use.
 */
import type * as ortTypes from 'onnxruntime-node';

/** The ONNX Runtime module type (onnxruntime-web and onnxruntime-node share onnxruntime-common's API). */
export type OnnxRuntime = typeof ortTypes;

/** Which of onnxruntime-web's builds to load, and where its .wasm files are. */
export interface OnnxRuntimeWebOptions {
  readonly provider: 'webgpu' | 'wasm';
  /**
   * A folder URL ending in '/' holding onnxruntime-web's `.wasm` and `.mjs` files (e.g. jsDelivr's
   * `https://cdn.jsdelivr.net/npm/onnxruntime-web@1.30.0/dist/`). Default: onnxruntime-web's own, beside its
   * module, where Vite and webpack put the `.wasm` they find it refers to.
   */
  readonly wasmPaths?: string;
}

let chosen: OnnxRuntimeWebOptions = { provider: 'wasm' };
const loaded = new Map<string, Promise<OnnxRuntime>>();

/** Chooses the build (and .wasm location) the next `loadOnnxRuntime` gives. */
export function useOnnxRuntimeWeb(options: OnnxRuntimeWebOptions): void {
  chosen = options;
}

async function importBuild(options: OnnxRuntimeWebOptions): Promise<OnnxRuntime> {
  let ort: OnnxRuntime;
  try {
    ort = (options.provider === 'webgpu'
      ? await import('onnxruntime-web/webgpu')
      : await import('onnxruntime-web/wasm')) as unknown as OnnxRuntime;
  } catch (e) {
    throw new Error(
      `install onnxruntime-web (1.30.0) to run .onnx models in a page: ${(e as Error).message}`,
    );
  }
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  return ort;
}

/** The onnxruntime-web build `useOnnxRuntimeWeb` chose, imported once. */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  const key = `${chosen.provider} ${chosen.wasmPaths ?? ''}`;
  let ort = loaded.get(key);
  if (!ort) {
    ort = importBuild(chosen);
    ort.catch(() => loaded.delete(key));
    loaded.set(key, ort);
  }
  return ort;
}
