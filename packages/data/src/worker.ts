// Entry of a loader worker thread: builds the batch pipeline once, then answers batch tasks.
import { workerData } from 'node:worker_threads';
import { type BatchArrays, type BatchTask, transferList } from './loader/batch';
import { buildBatchPipeline } from './loader/pipeline';
import type { LoaderWorkerInit } from './loader/workers';
import { serveTasks } from './threads/serve-tasks';

serveTasks<BatchTask, BatchArrays>(() => {
  const init = workerData as LoaderWorkerInit;
  const pipeline = buildBatchPipeline(init.cfg, init.isTrain);
  return (task) => pipeline.run(task);
}, transferList);
