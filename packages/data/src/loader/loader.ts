import type { SSDConfig } from '@ssd/config';
import { mixSeed } from '@ssd/random';
import type { DetectionDataset } from '../datasets/base';
import { buildDataset } from '../datasets/build';
import { IterationBatchSampler } from '../sampler';
import type { BatchArrays, BatchTask, TestBatch, TrainBatch } from './batch';
import { type BatchPipeline, buildBatchPipeline } from './pipeline';
import { startLoaderWorkers } from './workers';

/** Options shared by training and test loaders. */
export interface LoaderOptions {
  /** Worker threads; default `DATA_LOADER.NUM_WORKERS`. 0 loads in the main thread. */
  numWorkers?: number;
  /** Batches loaded ahead of the consumer; default twice the workers (one without workers). */
  prefetch?: number;
}

/** Options of the training loader. */
export interface TrainLoaderOptions extends LoaderOptions {
  /** The data set; default `DATASETS.TRAIN` (concatenated). */
  dataset?: DetectionDataset;
  /** First iteration (0-based) to load: the number of iterations a resumed run has done. Default 0. */
  startIter?: number;
  /** Iterations in the whole run; default `SOLVER.MAX_ITER`. */
  maxIter?: number;
  /** Seed of shuffling and augmentation; default `SEED`. */
  seed?: number;
}

/** A loader: an async iterable of batches that knows how many it yields. */
export interface Loader<B> extends AsyncIterable<B> {
  /** Number of batches one pass yields. */
  readonly length: number;
}

/**
 * The training loader: batches `startIter .. maxIter - 1` of an iteration-based sampler, each image
 * augmented with its own stream from (seed, iteration, index), so batches are identical whatever the
 * worker count and whether or not the run resumed.
 */
export function makeTrainLoader(cfg: SSDConfig, options: TrainLoaderOptions = {}): Loader<TrainBatch> {
  const dataset = options.dataset ?? buildDataset(cfg, cfg.DATASETS.TRAIN, true);
  const maxIter = options.maxIter ?? cfg.SOLVER.MAX_ITER;
  const startIter = options.startIter ?? 0;
  const seed = options.seed ?? cfg.SEED;
  if (!(Number.isInteger(startIter) && startIter >= 0 && startIter <= maxIter)) {
    throw new Error(`train loader: startIter ${startIter} must be an integer in [0, ${maxIter}]`);
  }
  const sampler = new IterationBatchSampler({ size: dataset.length, batchSize: cfg.SOLVER.BATCH_SIZE, seed });
  const size = cfg.INPUT.IMAGE_SIZE;

  function* tasks(): Generator<BatchTask> {
    for (const { iteration, indices } of sampler.iterate(maxIter, startIter)) {
      const samples = indices.map((index) => {
        const { boxes, labels } = dataset.getTarget(index);
        return {
          index,
          file: dataset.imagePath(index),
          boxes,
          labels,
          seed: mixSeed(seed, iteration, index),
        };
      });
      yield { iteration, samples };
    }
  }

  return {
    length: maxIter - startIter,
    async *[Symbol.asyncIterator]() {
      for await (const [task, arrays] of runTasks(cfg, true, tasks(), options)) {
        const n = task.samples.length;
        yield {
          iteration: task.iteration,
          indices: task.samples.map((s) => s.index),
          batchSize: n,
          imageSize: size,
          numPriors: arrays.labels!.length / n,
          images: arrays.images,
          locations: arrays.locations!,
          labels: arrays.labels!,
        };
      }
    },
  };
}

/** Options of the test loader. */
export interface TestLoaderOptions extends LoaderOptions {
  /** Images per batch; default `TEST.BATCH_SIZE`. */
  batchSize?: number;
}

/** The test loader: every image of `dataset` in order, test transforms only, with ids and original sizes. */
export function makeTestLoader(
  cfg: SSDConfig,
  dataset: DetectionDataset,
  options: TestLoaderOptions = {},
): Loader<TestBatch> {
  const sampler = new IterationBatchSampler({
    size: dataset.length,
    batchSize: options.batchSize ?? cfg.TEST.BATCH_SIZE,
    seed: 0,
    shuffle: false,
  });
  const size = cfg.INPUT.IMAGE_SIZE;
  // Test transforms draw no random numbers, and boxes play no part in test batches.
  const none = { boxes: new Float32Array(0), labels: new Int32Array(0), seed: 0 };

  function* tasks(): Generator<BatchTask> {
    for (const { iteration, indices } of sampler.iterate(sampler.batchesPerEpoch)) {
      yield {
        iteration,
        samples: indices.map((index) => ({ index, file: dataset.imagePath(index), ...none })),
      };
    }
  }

  return {
    length: sampler.batchesPerEpoch,
    async *[Symbol.asyncIterator]() {
      for await (const [task, arrays] of runTasks(cfg, false, tasks(), options)) {
        const indices = task.samples.map((s) => s.index);
        yield {
          indices,
          imageIds: indices.map((i) => dataset.imageId(i)),
          widths: arrays.widths,
          heights: arrays.heights,
          batchSize: indices.length,
          imageSize: size,
          images: arrays.images,
        };
      }
    },
  };
}

/**
 * Runs tasks on workers (or inline), keeping `prefetch` of them in flight, and yields results in task
 * order. The workers stop when iteration ends, however it ends.
 */
async function* runTasks(
  cfg: SSDConfig,
  isTrain: boolean,
  tasks: Iterator<BatchTask>,
  options: LoaderOptions,
): AsyncGenerator<[BatchTask, BatchArrays]> {
  const numWorkers = options.numWorkers ?? cfg.DATA_LOADER.NUM_WORKERS;
  if (!(Number.isInteger(numWorkers) && numWorkers >= 0)) {
    throw new Error(`loader: number of workers must be a non-negative integer, got ${numWorkers}`);
  }
  const prefetch = Math.max(1, options.prefetch ?? 2 * numWorkers);
  const pool = numWorkers > 0 ? await startLoaderWorkers(numWorkers, { cfg, isTrain }) : undefined;
  const pipeline: BatchPipeline = pool ?? buildBatchPipeline(cfg, isTrain);
  const inFlight: [BatchTask, Promise<BatchArrays>][] = [];
  const fill = () => {
    while (inFlight.length < prefetch) {
      const next = tasks.next();
      if (next.done) return;
      const result = pipeline.run(next.value);
      // Awaited in turn below; this keeps a failure ahead of the consumer from counting as unhandled.
      result.catch(() => undefined);
      inFlight.push([next.value, result]);
    }
  };
  try {
    fill();
    while (inFlight.length > 0) {
      const [task, result] = inFlight.shift()!;
      const arrays = await result;
      fill();
      yield [task, arrays];
    }
  } finally {
    await pool?.close();
  }
}
