import { availableParallelism } from 'node:os';
import type { Device, SSDConfig } from '@ssd/config';
import type { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, StepRunner } from '../trainer/parts';
import { LocalStepRunner } from './local-runner';
import { resolveTrainWorkers } from './plan';
import { sharedLayout } from './shared-state';
import { ThreadedStepRunner } from './threaded-runner';

/** Options of `createStepRunner`. */
export interface StepRunnerOptions {
  log: (line: string) => void;
  /**
   * Modules the workers load before building the model: packages that register the config's custom
   * components (a backbone, a box head). Resolved from the current directory.
   */
  workerImports?: string[];
  /** Cores to use when SOLVER.TRAIN_WORKERS is 0 (default: all). */
  cores?: number;
  /**
   * How long a thread waits at a synchronised BatchNorm layer for the others before the step fails (default
   * SYNC_TIMEOUT_MS).
   */
  syncTimeoutMs?: number;
}

/**
 * Default wait for the other threads at a BatchNorm layer: they run the same layers on equal shares, so a
 * wait is their imbalance between two layers; a minute means a thread is stuck.
 */
export const SYNC_TIMEOUT_MS = 60_000;

/** MODEL.DEVICE giving a worker the main thread's backend. */
const WORKER_DEVICES: Readonly<Record<string, Device>> = { wasm: 'wasm', cpu: 'js' };

/**
 * The step runner SOLVER.TRAIN_WORKERS asks for on the current backend: worker threads on wasm and js when
 * more than one thread (BatchNorm synchronised across them), else this thread alone. With the default (0,
 * one per core) a failure to start the workers falls back to this thread, saying why.
 */
export async function createStepRunner(
  cfg: SSDConfig,
  model: SSDDetector,
  optimizer: Optimizer,
  options: StepRunnerOptions,
): Promise<StepRunner> {
  const backend = tf.getBackend();
  const threads = resolveTrainWorkers(cfg, backend, options.cores ?? availableParallelism());
  const layout = sharedLayout(model);
  if (threads > 1) {
    try {
      return await ThreadedStepRunner.start(cfg, model, optimizer, layout, threads, {
        log: options.log,
        device: WORKER_DEVICES[backend]!,
        imports: (options.workerImports ?? []).map((m) => require.resolve(m, { paths: [process.cwd()] })),
        syncTimeoutMs: options.syncTimeoutMs ?? SYNC_TIMEOUT_MS,
      });
    } catch (e) {
      // Workers the user asked for must start; the default falls back to this thread, saying why.
      if (cfg.SOLVER.TRAIN_WORKERS !== 0) throw e;
      options.log(`Training on the main thread alone: ${(e as Error).message}`);
    }
  }
  return new LocalStepRunner(cfg, model, optimizer, layout, options.log);
}
