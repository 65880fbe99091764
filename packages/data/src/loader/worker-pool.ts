import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SSDConfig } from '@ssd/config';
import type { BatchArrays, BatchTask } from './batch';
import type { BatchPipeline } from './pipeline';

/** What a loader worker is started with. */
export interface WorkerInit {
  cfg: SSDConfig;
  isTrain: boolean;
}

/** Replies from a worker: a batch, or the message of the error that stopped it. */
export type WorkerReply = { id: number; batch: BatchArrays } | { id: number; error: string };

/**
 * The compiled worker script. Workers always run built JS: from `src/` (ts-jest) and from `dist/` alike
 * this is the package's `dist/worker.js`.
 */
export const WORKER_FILE = path.resolve(__dirname, '..', '..', 'dist', 'worker.js');

interface Pending {
  id: number;
  task: BatchTask;
  resolve: (batch: BatchArrays) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Pending>;
}

/**
 * Tasks a worker holds at once: while it transforms one batch in JS, the next one's images decode on
 * libvips threads.
 */
const TASKS_PER_WORKER = 2;

/** A fixed set of worker threads running batch tasks, dispatched in order to whichever has room. */
export class WorkerPool implements BatchPipeline {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private failure?: Error;

  constructor(size: number, init: WorkerInit) {
    if (!fs.existsSync(WORKER_FILE)) {
      throw new Error(
        `loader worker script ${WORKER_FILE} is missing: build @ssd/data first (pnpm --filter @ssd/data... build)`,
      );
    }
    this.slots = Array.from({ length: size }, () => {
      const slot: Slot = { worker: new Worker(WORKER_FILE, { workerData: init }), jobs: new Map() };
      slot.worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
      slot.worker.on('error', (err) => this.fail(new Error(`loader worker failed: ${err.message}`)));
      slot.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`loader worker exited with code ${code}`));
      });
      // Idle workers must not keep the process alive (a loader dropped without close).
      slot.worker.unref();
      return slot;
    });
  }

  run(task: BatchTask): Promise<BatchArrays> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops all workers; tasks not yet finished are rejected. */
  async close(): Promise<void> {
    this.fail(new Error('loader closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    // Fill the least loaded worker first, so work spreads evenly.
    for (let room = 0; room < TASKS_PER_WORKER; room++) {
      for (const slot of this.slots) {
        if (slot.jobs.size > room) continue;
        const job = this.queue.shift();
        if (!job) return;
        slot.jobs.set(job.id, job);
        slot.worker.ref();
        slot.worker.postMessage({ id: job.id, task: job.task });
      }
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const job = slot.jobs.get(reply.id);
    if (!job) return;
    slot.jobs.delete(reply.id);
    if (slot.jobs.size === 0) slot.worker.unref();
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve(reply.batch);
    this.dispatch();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const slot of this.slots) {
      for (const job of slot.jobs.values()) job.reject(err);
      slot.jobs.clear();
    }
    for (const job of this.queue.splice(0)) job.reject(err);
  }
}
