// Entry of a training worker thread: its own backend and copy of the model; each step it loads the main
// thread's state, computes the gradients of its micro-batches and writes them to its shared output.
import { workerData } from 'node:worker_threads';
import { serveTasks } from '@ssd/data';
import { initBackend } from '@ssd/engine';
import { buildDetectionModel, type SSDDetector } from '@ssd/modeling';
import { setUpTrainingKernels } from '../train/conv-runtime';
import { GradientAccumulator, modelBuffers } from './accumulate';
import { SharedAllGather, threadName } from './all-gather';
import type { TrainWorkerInit, WorkerTask } from './protocol';
import { inputViews } from './shared-inputs';
import { readState, writeSlots } from './shared-state';

const init = workerData as TrainWorkerInit;
const sync =
  init.batchNormSync &&
  new SharedAllGather(init.batchNormSync.group, init.rank, init.batchNormSync.timeoutMs);

async function start(): Promise<SSDDetector> {
  await initBackend(init.device, () => {});
  setUpTrainingKernels(init.cfg);
  for (const file of init.imports) await import(file);
  const model = buildDetectionModel(init.cfg);
  readState(model, init.layout, init.state);
  return model;
}

async function step(model: SSDDetector, task: WorkerTask): Promise<number[]> {
  readState(model, init.layout, init.state);
  const batch = inputViews(task.inputs, task.shape);
  const images = task.micro.reduce((n, mb) => n + mb.count, 0);
  const acc = new GradientAccumulator(model, images, task.micro.length > 1);
  try {
    if (task.synced && !sync)
      throw new Error('a synchronised step for a worker started without BatchNorm sync');
    acc.addPasses(batch, task.micro, task.synced ? sync! : null);
    const { grads, losses } = acc.finish();
    try {
      const byKey = new Map([...model.trainableVariables()].map(([key, v]) => [key, grads[v.name]!]));
      await writeSlots(byKey, init.layout.grads, init.output);
      await writeSlots(modelBuffers(model), init.layout.buffers, init.output);
      return Array.from(await losses.data());
    } finally {
      for (const g of Object.values(grads)) g.dispose();
      losses.dispose();
    }
  } finally {
    acc.dispose();
  }
}

serveTasks<WorkerTask, number[]>(async () => {
  let model: SSDDetector;
  try {
    model = await start();
  } catch (e) {
    throw new Error(
      `${(e as Error).message} (a worker thread knows the built-in components and those of the modules in ` +
        'TrainOptions.workerImports; SOLVER.TRAIN_WORKERS 1 trains on the main thread alone)',
    );
  }
  return async (task) => {
    try {
      return await step(model, task);
    } catch (e) {
      const message = `${threadName(init.rank)}: ${(e as Error).message}`;
      // Threads waiting for this one's BatchNorm statistics fail at once instead of at their timeout.
      sync?.abort(`${threadName(init.rank)} failed: ${(e as Error).message}`);
      throw new Error(message);
    }
  };
});
