import * as path from 'node:path';
import { WorkerPool } from '@ssd/data';
import { threadName } from './all-gather';
import type { TrainWorkerInit, WorkerTask } from './protocol';

/** The compiled worker script: from `src/` (ts-jest) and `dist/` alike, the package's built file. */
export const TRAIN_WORKER_FILE = path.resolve(__dirname, '..', '..', 'dist', 'step', 'worker.js');

/** Training worker threads (ranks 1, 2, …), each with its model and its shared output buffer. */
export class TrainWorkers {
  private constructor(
    private readonly pool: WorkerPool<WorkerTask, number[]>,
    /** Each worker's output buffer (gradients, then float buffers). */
    readonly outputs: SharedArrayBuffer[],
  ) {}

  /** Starts `count` workers and waits until each has built its model. */
  static async start(count: number, init: Omit<TrainWorkerInit, 'output' | 'rank'>): Promise<TrainWorkers> {
    const outputs = Array.from({ length: count }, () => new SharedArrayBuffer(init.layout.outputLength * 4));
    const pool = await WorkerPool.start<WorkerTask, number[]>(count, {
      file: TRAIN_WORKER_FILE,
      builtBy: '@ssd/trainer',
      workerData: (i) => ({ ...init, output: outputs[i]!, rank: i + 1 }) satisfies TrainWorkerInit,
      name: (i) => threadName(i + 1),
    });
    return new TrainWorkers(pool, outputs);
  }

  /** Runs task i on worker i; resolves with each worker's weighted losses. */
  run(tasks: WorkerTask[]): Promise<number[][]> {
    return Promise.all(tasks.map((task, i) => this.pool.runOn(i, task)));
  }

  /** Stops the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
