/** SSD detectors as ONNX: `exportOnnx` writes our modules as an ONNX graph; `OnnxDetector` runs one with ONNX Runtime. */
import path from 'node:path';
import { claimSingleCopy } from '@ssd/config';
import { registerBuiltInEmitters } from './emit/built-ins';

export {
  type ConvActivation,
  type ConvGeometry,
  type DataLayout,
  type ForwardOptions,
  isPointwise,
  loadSyncRuntime,
  OrtConvRunner,
  SYNC_RUNTIME_VERSION,
  unsupportedGeometry,
  unsupportedInputGradient,
} from './conv';
export { emitBackbone } from './emit/backbone';
export {
  type EmitContext,
  type Emitter,
  type EmitterRegistry,
  emitWith,
  HEAD_EMITTERS,
  type HeadValues,
  LAYER_EMITTERS,
  type ModuleClass,
  PREDICTOR_EMITTERS,
  type PredictorValues,
  registerEmitter,
  type WeightLayout,
} from './emit/registry';
export {
  buildOnnxModel,
  type ExportOnnxOptions,
  exportOnnx,
  ONNX_BOXES,
  ONNX_INPUT,
  ONNX_OPSET,
  ONNX_SCORES,
} from './export/export-onnx';
export { type Attribute, BATCH, GraphBuilder, type Value } from './graph/graph-builder';
export { decodeModel, encodeModel, type ModelProto } from './proto/onnx-schema';
export {
  checkOnnxModel,
  type ExpectedExport,
  expectedExport,
  OnnxModelError,
} from './runtime/check-model';
export {
  bundledProviders,
  checkProvider,
  type OnnxProvider,
  PROVIDER_CHECKSUM,
  type ProviderCheck,
} from './runtime/execution-providers';
export { OnnxDetector, type OnnxDetectorOptions, type OnnxOutputs, toNCHW } from './runtime/onnx-detector';

// The emitter registries are module state that plug-ins add to: one copy of this package per process.
claimSingleCopy('@ssd/onnx', path.resolve(__dirname, '..'));
registerBuiltInEmitters();
