import * as path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { WorkerPool } from '../threads/worker-pool';
import type { BatchArrays, BatchTask } from './batch';

/** What a loader worker is started with. */
export interface LoaderWorkerInit {
  cfg: SSDConfig;
  isTrain: boolean;
}

/**
 * The compiled worker script. Workers always run built JS: from `src/` (ts-jest) and from `dist/` alike
 * this is the package's `dist/worker.js`.
 */
export const LOADER_WORKER_FILE = path.resolve(__dirname, '..', '..', 'dist', 'worker.js');

/**
 * Tasks a worker holds at once: while it transforms one batch in JS, the next one's images decode on
 * libvips threads.
 */
const TASKS_PER_WORKER = 2;

/** `size` loader workers running the batch pipeline of `cfg` (training or test transforms). */
export function startLoaderWorkers(
  size: number,
  init: LoaderWorkerInit,
): Promise<WorkerPool<BatchTask, BatchArrays>> {
  return WorkerPool.start(size, {
    file: LOADER_WORKER_FILE,
    builtBy: '@ssd/data (pnpm --filter @ssd/data... build)',
    workerData: () => init,
    name: () => 'loader worker',
    tasksPerWorker: TASKS_PER_WORKER,
    // Idle workers must not keep the process alive (a loader dropped without close).
    unrefIdle: true,
  });
}
