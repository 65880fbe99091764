/** The parts a Trainer is built from, as the interfaces it needs of them. */
import type { TrainBatch } from '@ssd/data';
import type { OptimizerCheckpointState, SchedulerCheckpointState } from '@ssd/engine';
import type * as tf from '@tensorflow/tfjs-core';

/** An optimizer: applies gradients to the parameters it was built with (`@ssd/solver`'s SGD is one). */
export interface Optimizer {
  /** The learning rate the next step uses. */
  readonly lr: number;
  /** One update with gradients keyed by tfjs variable name. */
  step(grads: tf.NamedTensorMap): void;
  /** Its state for a checkpoint (momentum buffers, learning rate). */
  state(): Promise<OptimizerCheckpointState>;
  loadState(state: OptimizerCheckpointState): void;
  dispose(): void;
}

/** A learning-rate schedule stepped once per iteration (`@ssd/solver`'s WarmupMultiStepLR is one). */
export interface LrScheduler {
  step(): void;
  state(): SchedulerCheckpointState;
  loadState(state: SchedulerCheckpointState): void;
}

/** A step's loss values. */
export interface StepLosses {
  loss: number;
  reg_loss: number;
  cls_loss: number;
}

/**
 * Runs training steps: the gradients of a batch and one optimizer step with them, on this thread or spread
 * over worker threads (`createStepRunner` picks).
 */
export interface StepRunner {
  /** One step on `batch`; returns its losses (the parameters change only if they are finite). */
  step(batch: TrainBatch): Promise<StepLosses>;
  /** Frees what the runner holds (worker threads). */
  close(): Promise<void>;
}

/**
 * Batches in iteration order, from the trainer's start iteration on: `makeTrainLoader` of @ssd/data, or any
 * async iterable of TrainBatch. Each batch's `iteration` (0-based) seeds the step's random layers.
 */
export type DataLoader = AsyncIterable<TrainBatch>;
