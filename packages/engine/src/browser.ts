/**
 * @ssd/engine in a browser (the `browser` and `import` conditions of its exports): `Predictor` with checkpoints
 * from URLs, model zoo names, Files and bytes, and images as pages hold them; backends WebGPU (when the page
 * imports @tensorflow/tfjs-backend-webgpu and the browser offers a hardware adapter) and WebAssembly; `.onnx`
 * exports on ONNX Runtime Web (when the page imports @ssd/onnx). Downloads are kept in the Cache API.
 * Training, checkpoint writing and files are the Node build's.
 */
export {
  BackendUnavailableError,
  describeAdapter,
  type GpuAdapterDescription,
} from './backend/adapter';
export type { SelectedBackend } from './backend/choose';
export {
  type BrowserBackendOptions,
  DEFAULT_TFJS_WASM_PATH,
  initBackend,
  TFJS_WASM_FILES,
} from './browser/backends';
export {
  type CheckpointBytes,
  type CheckpointFormat,
  type CheckpointSource,
  type CheckpointSourceOptions,
  checkpointUrl,
  formatOfBytes,
  formatOfName,
  readCheckpoint,
} from './browser/checkpoint-source';
export {
  type BrowserDownloadOptions,
  DEFAULT_BROWSER_CACHE,
  type DownloadProgress,
  fetchCached,
} from './browser/download';
export type { BrowserOnnxLoader } from './browser/onnx-runtime';
export { type DetectInput, Predictor } from './browser/predictor';
export { DownloadError } from './checkpoint/download-error';
export { loadModelStateRecords } from './checkpoint/model-state';
export { findZooModel, MODEL_ZOO, type ZooModel } from './checkpoint/model-zoo';
export type { TensorRecord } from './checkpoint/safetensors-format';
export {
  type ReadCheckpointOptions,
  readTorchCheckpoint,
  type TorchCheckpoint,
} from './checkpoint/torch/read-checkpoint';
export type { TensorLimit } from './checkpoint/torch/storage-loader';
export type { TorchTensor } from './checkpoint/torch/tensor';
export { loadWeightBytes, type WeightsFormat } from './checkpoint/weight-bytes';
export { type Detector, isOnnxFile } from './inference/detector';
export {
  type BrowserLoadOptions,
  type LoadedDetector,
  loadDetector,
} from './inference/load-detector.browser';
export type { DetectedObject, ImageResult } from './inference/predictor';
export { type PreparedImage, prepareImage } from './inference/prepare';
export { type ResultEntry, resultEntry } from './inference/result-entry';
export { type DetectorRuntime, describeRuntime } from './inference/runtime';
