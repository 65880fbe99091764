export { type BackendCheck, runBackendCheck } from './backend/check';
export {
  BackendUnavailableError,
  describeAdapter,
  findWebGpuAdapter,
  type GpuAdapterDescription,
} from './backend/loaders';
export { type OnnxRuntimeCheck, type ProviderStatus, runOnnxRuntimeCheck } from './backend/onnx-check';
export { initBackend, type SelectedBackend } from './backend/select';
export { removeLeftoverTempFiles, writeFileAtomic } from './checkpoint/atomic-write';
export {
  Checkpointer,
  loadTrainingCheckpoint,
  type OptimizerCheckpointState,
  type SchedulerCheckpointState,
  saveTrainingCheckpoint,
  type TrainingState,
} from './checkpoint/checkpointer';
export { cacheFileName, DownloadError, type DownloadOptions } from './checkpoint/download';
export { MIRROR_ENV, urlFileName } from './checkpoint/mirror';
export { loadModelStateRecords, modelStateRecords } from './checkpoint/model-state';
export { findZooModel, MODEL_ZOO, type ZooModel } from './checkpoint/model-zoo';
export { initBackboneFromPretrained } from './checkpoint/pretrained';
export { type ResolveCheckpointOptions, resolveCheckpoint } from './checkpoint/resolve';
export type { TensorRecord } from './checkpoint/safetensors';
export {
  type ReadCheckpointOptions,
  readTorchCheckpoint,
  type TensorLimit,
  type TorchCheckpoint,
  type TorchDType,
  type TorchTensor,
  type TorchTensorData,
  writeTorchCheckpoint,
} from './checkpoint/torch';
export { loadWeights } from './checkpoint/weights';
export { type Detector, isOnnxFile } from './inference/detector';
export { type LoadedDetector, loadDetector } from './inference/load-detector';
export { type OnnxPlacement, placeOnnxModel } from './inference/onnx-placement';
export { type DetectedObject, type ImageResult, Predictor } from './inference/predictor';
export { type PreparedImage, prepareImage } from './inference/prepare';
export { type ResultEntry, resultEntry } from './inference/result-entry';
export { type DetectorRuntime, describeRuntime } from './inference/runtime';
export { createProgress, type Progress, type ProgressOptions } from './util/progress';
