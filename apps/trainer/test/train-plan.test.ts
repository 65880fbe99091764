import { loadConfig } from '@ssd/config';
import { microBatchThatFits, WASM_HEAP_BYTES } from '../src/step/memory';
import {
  describePlan,
  equalPasses,
  positivePriors,
  resolveTrainWorkers,
  sharePasses,
  splitEvenly,
  weighPasses,
} from '../src/step/plan';

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
    expect(weighPasses(sharePasses({ start: 0, count: 3 }, 1), labels, 4, 3)).toEqual([
      { start: 0, count: 1, weight: 2 / 3 },
      { start: 1, count: 1, weight: 1 / 3 },
      { start: 2, count: 1, weight: 1 / 3 },
    ]);
    expect(weighPasses(sharePasses({ start: 1, count: 2 }, 8), labels, 4, 3)).toEqual([
      { start: 1, count: 2, weight: 1 / 3 },
    ]);
  });

  it('cuts every thread’s share into the same number of passes, or says it cannot', () => {
    // Shares of 5 and 4 images in passes of at most 2: three passes each, so the k-th passes sync together.
    const shares = splitEvenly(0, 9, 2);
    expect(equalPasses(shares, 2)?.map((ranges) => ranges.map((r) => r.count))).toEqual([
      [2, 2, 1],
      [2, 1, 1],
    ]);
    // Each share alone would take 3 and 2 passes.
    expect(sharePasses(shares[1]!, 2).length).toBe(2);
    expect(equalPasses(shares, 8)?.map((ranges) => ranges.map((r) => r.count))).toEqual([[5], [4]]);
    // Passes of one image: 5 passes for a share of 4 images is impossible.
    expect(equalPasses(shares, 1)).toBeNull();
    expect(equalPasses(splitEvenly(0, 4, 2), 1)?.map((ranges) => ranges.length)).toEqual([2, 2]);
  });

  it('chooses workers: one per core (at most one per image) on wasm/js, 1 on other backends', () => {
    const cfg = (workers: number, batch = 32) =>
      loadConfig(undefined, ['SOLVER.TRAIN_WORKERS', String(workers), 'SOLVER.BATCH_SIZE', String(batch)]);
    // BatchNorm synchronises across threads, so every core takes a share, down to one image.
    expect(resolveTrainWorkers(cfg(0), 'wasm', 16)).toBe(16);
    expect(resolveTrainWorkers(cfg(0, 5), 'cpu', 16)).toBe(5);
    expect(resolveTrainWorkers(cfg(0, 8), 'wasm', 2)).toBe(2);
    expect(resolveTrainWorkers(cfg(0), 'tensorflow', 16)).toBe(1);
    expect(resolveTrainWorkers(cfg(3, 8), 'wasm', 2)).toBe(3);
    expect(() => resolveTrainWorkers(cfg(2), 'webgpu', 2)).toThrow(
      /not supported: SOLVER.TRAIN_WORKERS 2 on backend 'webgpu'/,
    );
    expect(() => resolveTrainWorkers(cfg(4, 2), 'wasm', 2)).toThrow(
      /SOLVER.TRAIN_WORKERS 4 is more than SOLVER.BATCH_SIZE 2/,
    );
  });

  it('fits MobileNetV2-SSD320 at 20 images per pass in the wasm heap, and says how the batch runs', () => {
    // Measured on wasm: its forward pass keeps 130 MB per image for backprop; its state is 13 MB.
    expect(microBatchThatFits(130e6, 13e6, WASM_HEAP_BYTES)).toBe(20);
    // VGG16-SSD300: 316 MB per image, 105 MB of weights.
    expect(microBatchThatFits(316e6, 105e6, WASM_HEAP_BYTES)).toBe(7);
    expect(describePlan(32, 1, 4, 'wasm')).toBe('batch 32 runs as 8 micro-batches of 4 images on wasm');
    expect(describePlan(32, 2, 4, 'wasm')).toBe(
      'batch 32 runs as 2 workers × 4 micro-batches of 4 images on wasm',
    );
    expect(describePlan(8, 1, 8, 'cpu')).toBe('batch 8 runs as one pass on cpu');
    expect(describePlan(2, 2, 4, 'wasm')).toBe('batch 2 runs as 2 workers of 1 image on wasm');
  });
});
