export { buildLrScheduler, buildOptimizer } from './build';
export {
  type HasLearningRate,
  type LRSchedulerState,
  WarmupMultiStepLR,
  type WarmupMultiStepOptions,
} from './lr-scheduler';
export {
  fusedMomentumUpdate,
  type MomentumUpdateAttrs,
  SGD_MOMENTUM_UPDATE,
} from './momentum-update-kernel';
export { SGD, type SGDOptions, type SGDState } from './sgd';
