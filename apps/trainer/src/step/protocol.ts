import type { Device, SSDConfig } from '@ssd/config';
import type { AllGatherGroup } from './all-gather';
import type { MicroBatch } from './plan';
import type { BatchShape } from './shared-inputs';
import type { SharedLayout } from './shared-state';

/** What a training worker starts with. */
export interface TrainWorkerInit {
  cfg: SSDConfig;
  /** The MODEL.DEVICE that gives the main thread's backend (wasm or js). */
  device: Device;
  /** Modules (resolved paths) to load before building the model: packages registering components. */
  imports: string[];
  layout: SharedLayout;
  /** The model's state, written by the main thread before each step. */
  state: SharedArrayBuffer;
  /** This worker's gradients and buffers (see SharedLayout). */
  output: SharedArrayBuffer;
  /** This worker's place among the threads (the main thread is 0). */
  rank: number;
  /** Synchronised BatchNorm's shared memory, when the model has BatchNorm. */
  batchNormSync?: { group: AllGatherGroup; timeoutMs: number };
}

/** One step's work for a worker: its micro-batches of the shared batch. */
export interface WorkerTask {
  inputs: SharedArrayBuffer;
  shape: BatchShape;
  micro: MicroBatch[];
  /** Whether BatchNorm synchronises with the other threads (their k-th passes together). */
  synced: boolean;
}
