/** SSD detectors as ONNX: `exportOnnx` writes our modules as an ONNX graph; `OnnxDetector` runs one with ONNX Runtime. */

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
export {
  BACKBONE_EMITTERS,
  type EmitContext,
  type Emitter,
  EmitterRegistry,
  HEAD_EMITTERS,
  type HeadValues,
  LAYER_EMITTERS,
  PREDICTOR_EMITTERS,
  type PredictorValues,
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
  bundledProviders,
  checkProvider,
  type OnnxProvider,
  PROVIDER_CHECKSUM,
  type ProviderCheck,
} from './runtime/execution-providers';
export { OnnxDetector, type OnnxDetectorOptions, type OnnxOutputs, toNCHW } from './runtime/onnx-detector';
