import { loadConfig } from '@ssd/config';
import { microBatchThatFits, WASM_HEAP_BYTES } from '../src/train/parallel/memory';
import {
  describePlan,
  microBatches,
  positivePriors,
  resolveTrainWorkers,
  splitEvenly,
} from '../src/train/parallel/plan';

describe('training step plan', () => {
  it('splits images into contiguous, nearly even ranges', () => {
    expect(splitEvenly(0, 10, 3)).toEqual([
      { start: 0, count: 4 },
      { start: 4, count: 3 },
      { start: 7, count: 3 },
    ]);
    expect(() => splitEvenly(0, 2, 3)).toThrow(/cannot split 2 images into 3 parts/);
  });

  it('weights each micro-batch by its positives over the batch’s (at least 1 each)', () => {
    // 3 images × 4 priors: 2, 0 and 1 positives.
    const labels = Int32Array.from([1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(positivePriors(labels, 4, { start: 0, count: 3 })).toBe(3);
    expect(microBatches({ start: 0, count: 3 }, 1, labels, 4, 3)).toEqual([
      { start: 0, count: 1, weight: 2 / 3 },
      { start: 1, count: 1, weight: 1 / 3 },
      { start: 2, count: 1, weight: 1 / 3 },
    ]);
    expect(microBatches({ start: 1, count: 2 }, 8, labels, 4, 3)).toEqual([
      { start: 1, count: 2, weight: 1 / 3 },
    ]);
  });

  it('chooses workers: one per core on wasm/js (8 images each with BatchNorm), 1 on other backends', () => {
    const cfg = (workers: number, batch = 32) =>
      loadConfig(undefined, ['SOLVER.TRAIN_WORKERS', String(workers), 'SOLVER.BATCH_SIZE', String(batch)]);
    // Without BatchNorm (VGG) every core takes a share down to one image.
    expect(resolveTrainWorkers(cfg(0), 'wasm', 16, false)).toBe(16);
    expect(resolveTrainWorkers(cfg(0, 5), 'cpu', 16, false)).toBe(5);
    // With BatchNorm each thread keeps 8 images: the quick start's batch 8 trains on one thread.
    expect(resolveTrainWorkers(cfg(0), 'wasm', 16, true)).toBe(4);
    expect(resolveTrainWorkers(cfg(0), 'wasm', 2, true)).toBe(2);
    expect(resolveTrainWorkers(cfg(0, 8), 'wasm', 2, true)).toBe(1);
    expect(resolveTrainWorkers(cfg(0, 15), 'cpu', 16, true)).toBe(1);
    expect(resolveTrainWorkers(cfg(0), 'tensorflow', 16, false)).toBe(1);
    // An explicit count is kept: the user chose smaller BatchNorm shares.
    expect(resolveTrainWorkers(cfg(3, 8), 'wasm', 2, true)).toBe(3);
    expect(() => resolveTrainWorkers(cfg(2), 'webgpu', 2, true)).toThrow(
      /not supported: SOLVER.TRAIN_WORKERS 2 on backend 'webgpu'/,
    );
    expect(() => resolveTrainWorkers(cfg(4, 2), 'wasm', 2, true)).toThrow(
      /SOLVER.TRAIN_WORKERS 4 is more than SOLVER.BATCH_SIZE 2/,
    );
  });

  it('fits MobileNetV2-SSD320 at 4 images per pass in the wasm heap, and says how the batch runs', () => {
    // Measured on wasm: its forward pass keeps 235 MB per image for backprop; its state is 14 MB.
    expect(microBatchThatFits(235e6, 14e6, WASM_HEAP_BYTES)).toBe(4);
    // VGG16-SSD300: 419 MB per image, 105 MB of weights.
    expect(microBatchThatFits(419e6, 105e6, WASM_HEAP_BYTES)).toBe(2);
    expect(describePlan(32, 1, 4, 'wasm')).toBe('batch 32 runs as 8 micro-batches of 4 images on wasm');
    expect(describePlan(32, 2, 4, 'wasm')).toBe(
      'batch 32 runs as 2 workers × 4 micro-batches of 4 images on wasm',
    );
    expect(describePlan(8, 1, 8, 'cpu')).toBe('batch 8 runs as one pass on cpu');
    expect(describePlan(2, 2, 4, 'wasm')).toBe('batch 2 runs as 2 workers of 1 image on wasm');
  });
});
