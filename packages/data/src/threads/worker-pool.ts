import * as fs from 'node:fs';
import { type TransferListItem, Worker } from 'node:worker_threads';
import type { TaskMessage, WorkerMessage } from './protocol';

/** Options of `WorkerPool.start`. */
export interface WorkerPoolOptions {
  /** The worker script: built JavaScript calling `serveTasks`. */
  file: string;
  /** The package whose build writes `file`, named when it is missing. */
  builtBy: string;
  /** What worker `index` starts with (its `workerData`). */
  workerData: (index: number) => unknown;
  /** Worker `index`'s name in errors ('loader worker', 'training worker 1'). */
  name: (index: number) => string;
  /** Tasks a worker holds at once (default 1): with 2, the next one is there when it finishes one. */
  tasksPerWorker?: number;
  /** Whether a worker with no task lets the process exit (default false), for pools a caller may drop unclosed. */
  unrefIdle?: boolean;
}

interface Job<R> {
  id: number;
  task: unknown;
  transfer?: readonly TransferListItem[];
  resolve: (result: R) => void;
  reject: (err: Error) => void;
}

interface Slot<R> {
  worker: Worker;
  name: string;
  jobs: Map<number, Job<R>>;
  /** Tasks only this worker may run (`runOn`). */
  own: Job<R>[];
}

/**
 * A fixed set of worker threads running tasks: each worker sets itself up (its `serveTasks` setup) and says
 * it is ready, then answers tasks. `run` gives a task to whichever worker has room, least loaded first;
 * `runOn` to one worker. A task's error rejects that task; a worker that crashes or exits fails the pool
 * (every task pending or to come).
 */
export class WorkerPool<Task, Result> {
  private readonly queue: Job<Result>[] = [];
  private readonly tasksPerWorker: number;
  private nextId = 0;
  private failure?: Error;

  private constructor(
    private readonly slots: Slot<Result>[],
    private readonly options: WorkerPoolOptions,
  ) {
    this.tasksPerWorker = options.tasksPerWorker ?? 1;
  }

  /** Starts `count` workers and waits until each has set itself up; a worker that cannot stops them all. */
  static async start<Task, Result>(
    count: number,
    options: WorkerPoolOptions,
  ): Promise<WorkerPool<Task, Result>> {
    if (!fs.existsSync(options.file)) {
      throw new Error(`worker script ${options.file} is missing: build ${options.builtBy} first`);
    }
    const slots = Array.from({ length: count }, (_, i) => ({
      worker: new Worker(options.file, { workerData: options.workerData(i) }),
      name: options.name(i),
      jobs: new Map<number, Job<Result>>(),
      own: [],
    }));
    const pool = new WorkerPool<Task, Result>(slots, options);
    try {
      await Promise.all(slots.map((slot) => pool.listen(slot)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    for (const slot of slots) pool.unrefIfIdle(slot);
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Runs a task on the first worker with room; `transfer` lists buffers the task hands over. */
  run(task: Task, transfer?: readonly TransferListItem[]): Promise<Result> {
    return this.enqueue(this.queue, task, transfer);
  }

  /** Runs a task on worker `index`, after the tasks it already has. */
  runOn(index: number, task: Task, transfer?: readonly TransferListItem[]): Promise<Result> {
    const slot = this.slots[index];
    if (!slot) throw new Error(`runOn: no worker ${index} in a pool of ${this.slots.length}`);
    return this.enqueue(slot.own, task, transfer);
  }

  /** Stops every worker; tasks not finished are rejected. */
  async close(): Promise<void> {
    this.fail(new Error('worker pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private enqueue(queue: Job<Result>[], task: Task, transfer?: readonly TransferListItem[]): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      queue.push({ id: this.nextId++, task, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Wires a worker's messages; resolves when it is ready, rejects when it cannot start. */
  private listen(slot: Slot<Result>): Promise<void> {
    return new Promise((ready, failed) => {
      const crash = (err: Error) => {
        failed(err);
        this.fail(err);
      };
      slot.worker.on('message', (message: WorkerMessage<Result>) => {
        if (message.type === 'ready') ready();
        else if (message.type === 'failed') crash(new Error(`${slot.name}: ${message.message}`));
        else this.settle(slot, message);
      });
      slot.worker.on('error', (err) => crash(new Error(`${slot.name}: ${err.message}`)));
      slot.worker.on('exit', (code) => {
        if (code !== 0) crash(new Error(`${slot.name} exited with code ${code}`));
      });
    });
  }

  private dispatch(): void {
    // Fill the least loaded workers first, so that work spreads evenly.
    for (let room = 0; room < this.tasksPerWorker; room++) {
      for (const slot of this.slots) {
        if (slot.jobs.size > room) continue;
        const job = slot.own.shift() ?? this.queue.shift();
        if (!job) continue;
        slot.jobs.set(job.id, job);
        slot.worker.ref();
        slot.worker.postMessage({ id: job.id, task: job.task } satisfies TaskMessage<unknown>, job.transfer);
      }
    }
  }

  private settle(
    slot: Slot<Result>,
    message: Exclude<WorkerMessage<Result>, { type: 'ready' | 'failed' }>,
  ): void {
    const job = slot.jobs.get(message.id);
    if (!job) return;
    slot.jobs.delete(message.id);
    this.unrefIfIdle(slot);
    if (message.type === 'error') job.reject(new Error(message.message));
    else job.resolve(message.result);
    this.dispatch();
  }

  private unrefIfIdle(slot: Slot<Result>): void {
    if (this.options.unrefIdle && slot.jobs.size === 0) slot.worker.unref();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const slot of this.slots) {
      for (const job of [...slot.jobs.values(), ...slot.own.splice(0)]) job.reject(this.failure);
      slot.jobs.clear();
    }
    for (const job of this.queue.splice(0)) job.reject(this.failure);
  }
}
