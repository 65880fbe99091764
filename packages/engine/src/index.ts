export { type BackendCheck, runBackendCheck } from './backend/check';
export { BackendUnavailableError, describeAdapter, type GpuAdapterDescription } from './backend/loaders';
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
export { type DetectedObject, type ImageResult, Predictor } from './inference/predictor';
export { type ResultEntry, resultEntry } from './inference/result-entry';
export { createProgress, type Progress, type ProgressOptions } from './util/progress';
