// Entry of a training worker thread: its own backend and copy of the model; each step it loads the main
// thread's state, computes the gradients of its micro-batches and writes them to its shared output.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '@ssd/engine';
import { buildDetectionModel, type SSDDetector } from '@ssd/modeling';
import { registerTrainingKernels } from '../register-kernels';
import { GradientAccumulator, modelBuffers } from './accumulate';
import { SharedAllGather, threadName } from './all-gather';
import type { TrainWorkerInit, WorkerReply, WorkerTask } from './protocol';
import { inputViews } from './shared-inputs';
import { readState, writeSlots } from './shared-state';

const init = workerData as TrainWorkerInit;
const port = parentPort!;
const sync =
  init.batchNormSync &&
  new SharedAllGather(init.batchNormSync.group, init.rank, init.batchNormSync.timeoutMs);

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

async function start(): Promise<SSDDetector> {
  await initBackend(init.device, () => {});
  registerTrainingKernels(init.cfg);
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

start().then(
  (model) => {
    port.on('message', (task: WorkerTask) => {
      step(model, task).then(
        (losses) => reply({ type: 'done', losses }),
        (err: Error) => {
          // Threads waiting for this one's BatchNorm statistics fail at once instead of at their timeout.
          sync?.abort(`${threadName(init.rank)} failed: ${err.message}`);
          reply({ type: 'error', message: err.message });
        },
      );
    });
    reply({ type: 'ready' });
  },
  (err: Error) =>
    reply({
      type: 'error',
      message:
        `${err.message} (a worker thread knows the built-in components and those of the modules in ` +
        'TrainOptions.workerImports; SOLVER.TRAIN_WORKERS 1 trains on the main thread alone)',
    }),
);
