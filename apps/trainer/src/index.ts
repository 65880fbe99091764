export {
  CheckpointHook,
  type CheckpointHookOptions,
  checkpointName,
  saveCheckpoint,
} from './hooks/checkpoint-hook';
export { type DefaultHooksOptions, defaultHooks } from './hooks/default-hooks';
export { EvalHook, type EvalHookOptions, type EvaluateFn } from './hooks/eval-hook';
export {
  METRICS_FILE,
  MetricsFile,
  type MetricsRecord,
  parseMetrics,
  plotMetricsFile,
  readMetricsFile,
  type WarnFn,
} from './metrics/metrics-file';
export { runTraining, type TrainingRequest } from './run-training';
export { createStepRunner, type StepRunnerOptions, SYNC_TIMEOUT_MS } from './step/create-step-runner';
export { setUpTrainingKernels } from './train/conv-runtime';
export { preflight } from './train/preflight';
export { type ResumePoint, resumeOrLoad } from './train/resume';
export { type TrainOptions, type TrainResult, train } from './train/train';
export { type EvaluationEvent, EventStorage } from './trainer/event-storage';
export { HistoryBuffer } from './trainer/history-buffer';
export { Hook, type TrainContext } from './trainer/hook';
export { NonFiniteLossError } from './trainer/non-finite-loss';
export type { DataLoader, LrScheduler, Optimizer, StepLosses, StepRunner } from './trainer/parts';
export { Trainer, type TrainerOptions, type TrainerParts, type TrainerResult } from './trainer/trainer';
export { ConsoleWriter } from './writers/console-writer';
export { JsonWriter } from './writers/json-writer';
export { PlotWriter } from './writers/plot-writer';
