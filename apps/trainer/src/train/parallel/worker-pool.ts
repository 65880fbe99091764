import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadName } from './all-gather';
import type { TrainWorkerInit, WorkerReply, WorkerTask } from './protocol';

/** The compiled worker script: from `src/` (ts-jest) and `dist/` alike, the package's built file. */
export const TRAIN_WORKER_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'dist',
  'train',
  'parallel',
  'worker.js',
);

interface Slot {
  worker: Worker;
  pending?: { resolve: (losses: number[]) => void; reject: (err: Error) => void };
}

/** Training worker threads, each running one task at a time. */
export class TrainWorkers {
  private failure?: Error;

  private constructor(
    private readonly slots: Slot[],
    /** Each worker's output buffer (gradients, then float buffers). */
    readonly outputs: SharedArrayBuffer[],
  ) {}

  /** Starts `count` workers and waits until each has built its model. */
  static async start(count: number, init: Omit<TrainWorkerInit, 'output' | 'rank'>): Promise<TrainWorkers> {
    if (!fs.existsSync(TRAIN_WORKER_FILE)) {
      throw new Error(`training worker script ${TRAIN_WORKER_FILE} is missing: build @ssd/trainer first`);
    }
    const outputs = Array.from({ length: count }, () => new SharedArrayBuffer(init.layout.outputLength * 4));
    const slots: Slot[] = outputs.map((output, i) => ({
      worker: new Worker(TRAIN_WORKER_FILE, {
        workerData: { ...init, output, rank: i + 1 } satisfies TrainWorkerInit,
      }),
    }));
    const pool = new TrainWorkers(slots, outputs);
    try {
      await Promise.all(slots.map((slot, i) => pool.listen(slot, i)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Runs one task per worker (in order); resolves with each worker's weighted losses. */
  run(tasks: WorkerTask[]): Promise<number[][]> {
    return Promise.all(
      tasks.map((task, i) => {
        const slot = this.slots[i]!;
        if (this.failure) return Promise.reject(this.failure);
        return new Promise<number[]>((resolve, reject) => {
          slot.pending = { resolve, reject };
          slot.worker.postMessage(task);
        });
      }),
    );
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.fail(new Error('training workers closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Wires a worker's messages; resolves when it is ready. */
  private listen(slot: Slot, index: number): Promise<void> {
    return new Promise((ready, failed) => {
      const fail = (message: string) => {
        const err = new Error(`${threadName(index + 1)}: ${message}`);
        failed(err);
        this.fail(err);
      };
      slot.worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') ready();
        else if (reply.type === 'error') fail(reply.message);
        else {
          const pending = slot.pending;
          slot.pending = undefined;
          pending?.resolve(reply.losses);
        }
      });
      slot.worker.on('error', (err) => fail(err.message));
      slot.worker.on('exit', (code) => {
        if (code !== 0) fail(`exited with code ${code}`);
      });
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const slot of this.slots) {
      slot.pending?.reject(this.failure);
      slot.pending = undefined;
    }
  }
}
