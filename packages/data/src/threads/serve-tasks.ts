import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { TaskMessage, WorkerMessage } from './protocol';

/** Runs one task in a worker thread. */
export type TaskHandler<Task, Result> = (task: Task) => Promise<Result>;

/**
 * The worker side of a `WorkerPool`, for a worker script: runs `setup` once (what it throws is the pool's
 * start error), says it is ready, then answers each task with the handler's result (handing over the buffers
 * `transfer` lists) or its error's message.
 */
export function serveTasks<Task, Result>(
  setup: () => TaskHandler<Task, Result> | Promise<TaskHandler<Task, Result>>,
  transfer: (result: Result) => readonly TransferListItem[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks: not in a worker thread');
  const reply = (message: WorkerMessage<Result>, list?: readonly TransferListItem[]) =>
    port.postMessage(message, list);
  Promise.resolve()
    .then(setup)
    .then(
      (handler) => {
        port.on('message', ({ id, task }: TaskMessage<Task>) => {
          handler(task).then(
            (result) => reply({ type: 'done', id, result }, transfer(result)),
            (err: Error) => reply({ type: 'error', id, message: err.message }),
          );
        });
        reply({ type: 'ready' });
      },
      (err: Error) => reply({ type: 'failed', message: err.message }),
    );
}
