/**
 * Backends in a page: WebGPU (tfjs-backend-webgpu, which the page imports to offer it) on a hardware adapter, else
 * WebAssembly (tfjs-backend-wasm, whose .wasm files are fetched from `wasmPaths`), with the same MODEL.DEVICE
 * values, choice rules and log lines as Node.
 */
import type { Device } from '@ssd/config';
import { registerInferenceKernels } from '@ssd/kernels';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import {
  activate,
  type BackendLoader,
  BackendUnavailableError,
  describeAdapter,
  type GpuAdapterDescription,
  type GpuAdapterLike,
  type LoadedBackend,
  message,
} from '../backend/adapter';
import { type BackendChoices, chooseBackend, type SelectedBackend } from '../backend/choose';

/** The names of tfjs-backend-wasm's binaries (it picks one by what the browser supports). */
export const TFJS_WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** Where tfjs-backend-wasm's binaries are by default: jsDelivr's copy of the npm package, this very version. */
export const DEFAULT_TFJS_WASM_PATH = `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm@${version_wasm}/dist/`;

/** Options of the browser's `initBackend`. */
export interface BrowserBackendOptions {
  /**
   * Where tfjs-backend-wasm's `.wasm` files are: a folder URL (ending in `/`) holding all of
   * {@link TFJS_WASM_FILES}, or a URL for each. Default {@link DEFAULT_TFJS_WASM_PATH}; serve them yourself
   * (copy `node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm`) to run offline or without a CDN.
   */
  readonly wasmPaths?: string | Readonly<Record<(typeof TFJS_WASM_FILES)[number], string>>;
}

let wasmPathsSet: string | undefined;

/** Points tfjs-backend-wasm at its binaries, once (it reads them when the backend first initialises). */
function locateWasm(paths: BrowserBackendOptions['wasmPaths'] = DEFAULT_TFJS_WASM_PATH): void {
  const key = JSON.stringify(paths);
  if (wasmPathsSet === key) return;
  if (wasmPathsSet !== undefined && tf.findBackend('wasm')) return; // initialised already: its binary is loaded
  setWasmPaths(typeof paths === 'string' ? paths : { ...paths });
  wasmPathsSet = key;
}

function wasmLoader(options: BrowserBackendOptions): BackendLoader {
  return async () => {
    locateWasm(options.wasmPaths);
    try {
      return await activate('wasm', 'wasm');
    } catch (e) {
      const where =
        typeof options.wasmPaths === 'object'
          ? 'the URLs in wasmPaths'
          : (options.wasmPaths ?? DEFAULT_TFJS_WASM_PATH);
      throw new BackendUnavailableError(
        'wasm',
        (e as BackendUnavailableError).reason ?? message(e),
        `Its .wasm files (${TFJS_WASM_FILES.join(', ')}) must be served at ${where}; set wasmPaths to where you serve them`,
      );
    }
  };
}

interface BrowserGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/** The adapter this page's WebGPU gives (as tfjs-backend-webgpu will ask for it), or why there is none. */
export async function pageAdapter(): Promise<GpuAdapterDescription> {
  const gpu = (globalThis as { navigator?: { gpu?: BrowserGpu } }).navigator?.gpu;
  if (!gpu) {
    throw new BackendUnavailableError(
      'webgpu',
      globalThis.isSecureContext === false
        ? 'this page is not a secure context (https or localhost), where browsers offer WebGPU'
        : 'this browser offers no WebGPU (navigator.gpu)',
    );
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new BackendUnavailableError('webgpu', `requesting a WebGPU adapter failed (${message(e)})`);
  }
  if (!adapter) throw new BackendUnavailableError('webgpu', 'the browser found no WebGPU adapter');
  return describeAdapter(adapter);
}

async function webgpu(options: { hardwareOnly?: boolean } = {}): Promise<LoadedBackend> {
  // An optional peer: the page offers WebGPU by importing it, which registers the backend with tfjs.
  if (!tf.findBackendFactory('webgpu')) {
    throw new BackendUnavailableError(
      'webgpu',
      '@tensorflow/tfjs-backend-webgpu is not loaded',
      "Install it and import '@tensorflow/tfjs-backend-webgpu' in the page",
    );
  }
  const adapter = await pageAdapter();
  if (options.hardwareOnly && adapter.software) {
    throw new BackendUnavailableError('webgpu', `only a software adapter was found (${adapter.name})`);
  }
  return { ...(await activate('webgpu', 'webgpu')), adapter };
}

async function js(): Promise<LoadedBackend> {
  await import('@tensorflow/tfjs-backend-cpu');
  return activate('js', 'cpu');
}

async function cuda(): Promise<LoadedBackend> {
  throw new BackendUnavailableError(
    'cuda',
    'not supported in the browser: CUDA is @tensorflow/tfjs-node-gpu, in Node',
    'Use webgpu (or auto) in a page',
  );
}

/** The page's backends: `auto` takes WebGPU on a hardware adapter, else wasm; `cpu` is wasm here (no native TensorFlow). */
function browserBackends(options: BrowserBackendOptions): BackendChoices {
  const wasm = wasmLoader(options);
  return { loaders: { cuda, webgpu, cpu: wasm, wasm, js }, autoOrder: ['webgpu', 'wasm'] };
}

/**
 * The browser's `initBackend`: makes the backend MODEL.DEVICE names current, with the kernels inference needs
 * on it (as Node's). `auto` takes WebGPU where the page imported tfjs-backend-webgpu and the browser gives a
 * hardware adapter (a software one, such as SwiftShader, is slower than wasm), else WebAssembly; an explicit
 * `webgpu` takes a software adapter too.
 */
export async function initBackend(
  device: Device,
  log: (line: string) => void = (l) => console.log(l),
  options: BrowserBackendOptions = {},
): Promise<SelectedBackend> {
  const selected = await chooseBackend(device, log, browserBackends(options));
  registerInferenceKernels(selected.backend);
  return selected;
}
