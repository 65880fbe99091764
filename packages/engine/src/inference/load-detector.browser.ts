/**
 * The browser's `loadDetector` (Node's is load-detector.ts): a checkpoint from a URL, a zoo name through a mirror,
 * a File or bytes, into the model the config describes on the page's backend; `.onnx` exports on ONNX Runtime
 * Web when the page imported @ssd/onnx.
 */
import type { SSDConfig } from '@ssd/config';
import { buildDetectionModel } from '@ssd/modeling';
import type { BackendUnavailableError } from '../backend/adapter';
import { type BrowserBackendOptions, initBackend, pageAdapter } from '../browser/backends';
import {
  type CheckpointSource,
  type CheckpointSourceOptions,
  readCheckpoint,
} from '../browser/checkpoint-source';
import { onnxLoader } from '../browser/onnx-runtime';
import { loadWeightBytes } from '../checkpoint/weight-bytes';
import type { Detector } from './detector';
import type { DetectorRuntime } from './runtime';

/** Options of the browser's `Predictor.load` and `loadDetector`. */
export interface BrowserLoadOptions extends CheckpointSourceOptions, BrowserBackendOptions {
  /**
   * Where onnxruntime-web's `.wasm` and `.mjs` files are, for `.onnx` models: a folder URL ending in `/`.
   * Default: onnxruntime-web's own, beside its module (Vite and webpack emit the files there).
   */
  readonly onnxWasmPaths?: string;
}

/** A detector ready to run, the checkpoint it came from and what runs it. */
export interface LoadedDetector {
  model: Detector;
  file: string;
  /** tfjs and its backend, or ONNX Runtime Web and its execution provider. */
  runtime: DetectorRuntime;
}

/** ONNX Runtime Web's execution provider for MODEL.DEVICE: WebGPU for webgpu, and for auto on a hardware adapter. */
async function onnxProvider(cfg: SSDConfig, log: (line: string) => void): Promise<'webgpu' | 'wasm'> {
  const device = cfg.MODEL.DEVICE;
  if (device === 'cuda') {
    throw new Error('MODEL.DEVICE cuda is not available: not supported in the browser (use webgpu or auto)');
  }
  if (device === 'webgpu') return 'webgpu';
  if (device !== 'auto') return 'wasm';
  try {
    const adapter = await pageAdapter();
    if (!adapter.software) return 'webgpu';
    log(`ONNX Runtime: skipped webgpu (only a software adapter: ${adapter.name}).`);
  } catch (e) {
    log(`ONNX Runtime: skipped webgpu (${(e as BackendUnavailableError).reason ?? (e as Error).message}).`);
  }
  return 'wasm';
}

/**
 * Loads `ckpt` (a URL relative to the page, a model zoo name through `options.mirror`, a File/Blob or bytes:
 * `.pth`, ours `.safetensors`, or an `.onnx` export) into the model `cfg` describes, on the backend MODEL.DEVICE
 * selects in this page.
 */
export async function loadDetector(
  cfg: SSDConfig,
  ckpt: CheckpointSource,
  log: (line: string) => void = (l) => console.log(l),
  options: BrowserLoadOptions = {},
): Promise<LoadedDetector> {
  const { bytes, name, format } = await readCheckpoint(ckpt, { log, ...options });
  if (format === 'onnx') {
    const loader = onnxLoader(name);
    // The tfjs backend only carries images in and detections out: quiet.
    await initBackend('wasm', () => {}, options);
    const provider = await onnxProvider(cfg, log);
    const model = await loader.load(bytes, name, cfg, { provider, wasmPaths: options.onnxWasmPaths });
    log(
      `Running ${name} on ONNX Runtime Web's ${provider} execution provider (MODEL.DEVICE ${cfg.MODEL.DEVICE}).`,
    );
    return { model, file: name, runtime: { runtime: 'onnxruntime', backend: provider, device: provider } };
  }
  const selected = await initBackend(cfg.MODEL.DEVICE, log, options);
  const model = buildDetectionModel(cfg);
  try {
    loadWeightBytes(model, bytes, name, format);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, file: name, runtime: { runtime: 'tfjs', ...selected } };
}
