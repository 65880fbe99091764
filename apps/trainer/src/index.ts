export { type RunEvaluationOptions, runEvaluation } from './inference/evaluate';
export {
  evaluateDataset,
  evaluationFormat,
  type ImageDetections,
  type InferenceOptions,
  inference,
} from './inference/inference';
export {
  registerTfjsGradients,
  registerWasmGradientKernels,
  registerWebGpuGradientKernels,
  useOrtConvolutions,
} from './kernels';
export { runTraining, type TrainingRequest } from './run-training';
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
export { NonFiniteLossError, type TrainOptions, type TrainResult, train } from './train/trainer';
