import type { SSDConfig } from '@ssd/config';
import type * as tf from '@tensorflow/tfjs-core';
import { WarmupMultiStepLR } from './lr-scheduler';
import { SGD } from './sgd';

/** The SGD optimizer the config describes (SOLVER.LR, MOMENTUM, WEIGHT_DECAY). */
export function buildOptimizer(
  cfg: SSDConfig,
  params: ReadonlyMap<string, tf.Variable>,
  lr = cfg.SOLVER.LR,
): SGD {
  return new SGD(params, { lr, momentum: cfg.SOLVER.MOMENTUM, weightDecay: cfg.SOLVER.WEIGHT_DECAY });
}

/** The warmup multi-step scheduler the config describes; `milestones` default to SOLVER.LR_STEPS. */
export function buildLrScheduler(
  cfg: SSDConfig,
  optimizer: SGD,
  milestones: readonly number[] = cfg.SOLVER.LR_STEPS,
): WarmupMultiStepLR {
  return new WarmupMultiStepLR(optimizer, {
    baseLr: cfg.SOLVER.LR,
    milestones,
    gamma: cfg.SOLVER.GAMMA,
    warmupFactor: cfg.SOLVER.WARMUP_FACTOR,
    warmupIters: cfg.SOLVER.WARMUP_ITERS,
  });
}
