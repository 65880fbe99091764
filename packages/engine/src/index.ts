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
export { writeFileAtomic } from './checkpoint/atomic-write';
export {
  Checkpointer,
  loadTrainingCheckpoint,
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
export { findZooModel, MODEL_ZOO, type ZooModel } from './checkpoint/model-zoo';
export { initBackboneFromPretrained, pretrainedPlan } from './checkpoint/pretrained';
export { type ResolveCheckpointOptions, resolveCheckpoint } from './checkpoint/resolve';
export {
  readSafetensors,
  type SafetensorsContent,
  type TensorRecord,
  writeSafetensors,
} from './checkpoint/safetensors';
export { loadWeights } from './checkpoint/weights';
export { type Detector, isOnnxFile, loadDetector } from './inference/detector';
export { type RunEvaluationOptions, runEvaluation } from './inference/evaluate';
export {
  evaluateDataset,
  evaluationFormat,
  type ImageDetections,
  type InferenceOptions,
  inference,
  scaleBoxes,
} from './inference/inference';
export { type DetectedObject, type ImageResult, Predictor } from './inference/predictor';
export {
  CheckpointHook,
  EvalHook,
  LoggingHook,
  PlotHook,
  type StepInfo,
  saveCheckpoint,
  type TrainContext,
  type TrainHook,
} from './train/hooks';
export { MetricsFile, type MetricsRecord } from './train/metrics-file';
export { preflight } from './train/preflight';
export { SmoothedValue } from './train/smoothed-value';
export { loadModelStateRecords, modelStateRecords } from './train/state';
export { NonFiniteLossError, type TrainOptions, type TrainResult, train } from './train/trainer';
export { createProgress, type Progress, type ProgressOptions } from './util/progress';
