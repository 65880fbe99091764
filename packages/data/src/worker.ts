// Entry of a loader worker thread: builds the batch pipeline once, then answers batch tasks.
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchTask } from './loader/batch';
import { transferList } from './loader/batch';
import { buildBatchPipeline } from './loader/pipeline';
import type { WorkerInit, WorkerReply } from './loader/worker-pool';

const init = workerData as WorkerInit;
const pipeline = buildBatchPipeline(init.cfg, init.isTrain);
const port = parentPort!;

port.on('message', async ({ id, task }: { id: number; task: BatchTask }) => {
  try {
    const batch = await pipeline.run(task);
    port.postMessage({ id, batch } satisfies WorkerReply, transferList(batch));
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message } satisfies WorkerReply);
  }
});
