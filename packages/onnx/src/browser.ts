/**
 * @ssd/onnx in a browser (the `browser` and `import` conditions of its exports): the runtime part, on ONNX
 * Runtime Web (onnxruntime-web, an optional peer). Importing it registers `.onnx` support with @ssd/engine's
 * browser build (`Predictor.load(cfg, 'model.onnx', …)`); exporting models is the Node build's (`ssd export`).
 */
import type { SSDConfig } from '@ssd/config';
import { type OnnxRuntimeWebOptions, useOnnxRuntimeWeb } from './runtime/load-ort.browser';
import { OnnxDetector } from './runtime/onnx-detector';

export { ONNX_BOXES, ONNX_INPUT, ONNX_SCORES } from './export/io-names';
export { type OnnxRuntimeWebOptions, useOnnxRuntimeWeb } from './runtime/load-ort.browser';
export { OnnxDetector, type OnnxDetectorOptions, type OnnxOutputs, toNCHW } from './runtime/onnx-detector';

/** The global symbol @ssd/engine's browser build looks its `.onnx` loader up under (browser/onnx-runtime.ts). */
const ONNX_LOADER = Symbol.for('@ssd/onnx.browser-loader');

/** Opens an export's bytes on ONNX Runtime Web's `provider` (the build for it is imported on first use). */
function load(
  model: Uint8Array,
  name: string,
  cfg: SSDConfig,
  options: OnnxRuntimeWebOptions,
): Promise<OnnxDetector> {
  useOnnxRuntimeWeb(options);
  return OnnxDetector.load(model, cfg, { name, executionProviders: [options.provider] });
}

(globalThis as { [ONNX_LOADER]?: unknown })[ONNX_LOADER] = { load };
