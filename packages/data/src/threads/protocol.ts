/** A pool's message to a worker: one task. */
export interface TaskMessage<T> {
  id: number;
  task: T;
}

/** A worker's messages to its pool: set up (or not), and each task's result or error. */
export type WorkerMessage<R> =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; result: R }
  | { type: 'error'; id: number; message: string };
