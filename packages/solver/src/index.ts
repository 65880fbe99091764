export { buildLrScheduler, buildOptimizer } from './build';
export {
  type HasLearningRate,
  type LRSchedulerState,
  WarmupMultiStepLR,
  type WarmupMultiStepOptions,
} from './lr-scheduler';
export { SGD, type SGDOptions, type SGDState } from './sgd';
