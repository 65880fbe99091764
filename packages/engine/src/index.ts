export { type BackendCheck, runBackendCheck } from './backend/check';
export {
  BACKEND_LOADERS,
  BackendUnavailableError,
  describeAdapter,
  type GpuAdapterDescription,
  hasGpuDevice,
  type LoadedBackend,
} from './backend/loaders';
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
export {
  DownloadError,
  type DownloadOptions,
  defaultCacheDir,
  downloadToCache,
  hashPrefixOf,
} from './checkpoint/download';
export { type DownloadSource, downloadSource, MIRROR_ENV, urlFileName } from './checkpoint/mirror';
export { loadModelStateRecords, modelStateRecords } from './checkpoint/model-state';
export { findZooModel, MODEL_ZOO, type ZooModel } from './checkpoint/model-zoo';
export { initBackboneFromPretrained, pretrainedPlan } from './checkpoint/pretrained';
export { type ResolveCheckpointOptions, resolveCheckpoint } from './checkpoint/resolve';
export {
  readSafetensors,
  type SafetensorsContent,
  type TensorRecord,
  writeSafetensors,
} from './checkpoint/safetensors';
export {
  type ReadCheckpointOptions,
  readTorchCheckpoint,
  type TensorLimit,
  type TorchCheckpoint,
  type TorchDType,
  type TorchTensor,
  type TorchTensorData,
  tensorToFloat32,
  writeTorchCheckpoint,
} from './checkpoint/torch';
export { loadWeights } from './checkpoint/weights';
export { type LoadedDetector, loadDetector } from './inference/load-detector';
export { type DetectedObject, type ImageResult, Predictor } from './inference/predictor';
export { createProgress, type Progress, type ProgressOptions } from './util/progress';
