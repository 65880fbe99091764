import * as path from 'node:path';
import '@ssd-test/custom-backbone';
import './helpers/faulty-backbone.js';
import { buildDetectionModel } from '@ssd/modeling';
import { buildOptimizer } from '@ssd/solver';
import type { ToyProject } from '@ssd-test/custom-backbone';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerTrainingKernels } from '@ssd/kernels';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { createStepRunner, type StepRunnerOptions } from '../src';
import { toyBatch } from './helpers/toy-batch';

let project: ToyProject;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerTrainingKernels('cpu');
  project = await writeToyProject();
});

const FAULTY = path.join(__dirname, 'helpers', 'faulty-backbone.js');

interface Step {
  losses: number[];
  /** Every state tensor after the step, and what the step changed (after − before). */
  state: Map<string, Float32Array | Int32Array>;
  change: Map<string, Float32Array>;
  log: string[];
}

/**
 * One SGD step on `images` distinct random images (the toy detector: three BatchNorm layers) on `workers`
 * threads, from the seeded initial weights.
 */
async function oneStep(
  workers: number,
  images: number,
  overrides: string[] = [],
  options: Partial<StepRunnerOptions> = {},
): Promise<Step> {
  const cfg = toyConfig(project, [
    'SOLVER.BATCH_SIZE',
    String(images),
    'SOLVER.TRAIN_WORKERS',
    String(workers),
    ...overrides,
  ]);
  const model = buildDetectionModel(cfg);
  const optimizer = buildOptimizer(cfg, model.trainableVariables());
  const log: string[] = [];
  const runner = await createStepRunner(cfg, model, optimizer, {
    log: (l) => log.push(l),
    workerImports: ['@ssd-test/custom-backbone', FAULTY],
    ...options,
  });
  try {
    const before = new Map<string, Float32Array>();
    for (const [key, v] of model.stateDict())
      if (v.dtype === 'float32') before.set(key, v.dataSync() as Float32Array);
    const l = await runner.step(toyBatch(cfg, images, false));
    const state = new Map<string, Float32Array | Int32Array>();
    const change = new Map<string, Float32Array>();
    for (const [key, v] of model.stateDict()) {
      const now = (await v.data()) as Float32Array | Int32Array;
      state.set(key, now);
      const was = before.get(key);
      if (was)
        change.set(
          key,
          Float32Array.from(now, (x, i) => x - was[i]!),
        );
    }
    return { losses: [l.loss, l.reg_loss, l.cls_loss], state, change, log };
  } finally {
    await runner.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** The largest difference between `a` and `b` relative to the largest magnitude in `a`. */
function relToMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst / Math.max(scale, 1e-12);
}

describe('synchronised BatchNorm across training threads', () => {
  it.each([
    ['2 threads of 2 images', 2, 4],
    ['3 threads of 2 images', 3, 6],
    ['2 threads of 3 and 2 images', 2, 5],
  ])('a step on %s equals the one-thread step on the batch', async (_name, workers, images) => {
    const one = await oneStep(1, images);
    const split = await oneStep(workers, images);
    expect(split.log).toContain(`BatchNorm: statistics synchronised over the ${workers} training threads`);
    // float32 sums in another order: a few ulps on the losses; every parameter's update (lr × gradient,
    // momentum's first step) and the running statistics within 1e-4 of the tensor's largest value.
    for (const [i, l] of one.losses.entries()) expect(Math.abs(split.losses[i]! - l)).toBeLessThan(1e-5 * l);
    for (const [key, a] of one.change) {
      if (key.endsWith('running_mean') || key.endsWith('running_var')) {
        expect(relToMax(one.state.get(key)!, split.state.get(key)!)).toBeLessThan(1e-5);
      } else {
        expect(relToMax(a, split.change.get(key)!)).toBeLessThan(1e-4);
      }
    }
    for (const key of [...one.state.keys()].filter((k) => k.endsWith('num_batches_tracked'))) {
      expect(Array.from(split.state.get(key)!)).toEqual([1]);
    }
  });

  it('synchronises the threads’ k-th passes of equal counts, and says when counts cannot be equal', async () => {
    // Shares of 3 and 2 images in passes of at most 2: two passes each, synchronised.
    const even = await oneStep(2, 5, ['SOLVER.MICRO_BATCH', '2']);
    expect(even.log.filter((l) => l.includes('not synchronised'))).toEqual([]);
    // In passes of 1 image the shares need 3 and 2 passes: each pass then normalises alone (no deadlock).
    const uneven = await oneStep(2, 5, ['SOLVER.MICRO_BATCH', '1']);
    expect(uneven.log).toContain(
      'BatchNorm: not synchronised in steps whose shares (3, 2 images) need different numbers of passes of 1 ' +
        'image: each pass normalises with its own statistics (set SOLVER.BATCH_SIZE to a multiple of SOLVER.TRAIN_WORKERS)',
    );
    expect(uneven.losses.every(Number.isFinite)).toBe(true);
  });

  it('fails the step, with the worker’s error, when a worker throws mid-step', async () => {
    // The worker throws after the forward pass's 3 calls, while the main thread waits at the 4th.
    await expect(oneStep(2, 4, ['MODEL.BACKBONE.NAME', 'throwing_toy_backbone'])).rejects.toThrow(
      /^BatchNorm backbone\.\S+ \(synchronised call 4 of the step\) abandoned: training worker 1 failed: injected fault in a worker$/,
    );
  });

  it('fails the step after the bounded wait, naming the layer and the missing thread, when a worker stalls', async () => {
    await expect(
      oneStep(2, 4, ['MODEL.BACKBONE.NAME', 'stalling_toy_backbone'], { syncTimeoutMs: 500 }),
    ).rejects.toThrow(
      /^BatchNorm backbone\.\S+ \(synchronised call 4 of the step\): the main thread waited 0.5 s for training worker 1 to reach it$/,
    );
  });
});
