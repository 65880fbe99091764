import type { SSDConfig } from '@ssd/config';

/** A contiguous run of a batch's images. */
export interface ImageRange {
  start: number;
  count: number;
}

/**
 * A micro-batch: its images and the weight of its loss in the whole batch's loss. The MultiBox loss divides
 * by the batch's positive priors, so the batch loss is Σ weightᵢ·lossᵢ with weightᵢ = max(posᵢ, 1) /
 * max(pos, 1): the micro-batches' weighted gradients sum to the full batch's exactly.
 */
export interface MicroBatch extends ImageRange {
  weight: number;
}

/** Backends whose kernels run on one thread, so that worker threads add cores. */
const DATA_PARALLEL_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);

/** Splits `n` images into `parts` contiguous ranges as even as possible (earlier ranges take the remainder). */
export function splitEvenly(start: number, n: number, parts: number): ImageRange[] {
  if (!Number.isInteger(parts) || parts < 1 || parts > n) {
    throw new Error(`splitEvenly: cannot split ${n} images into ${parts} parts`);
  }
  const base = Math.floor(n / parts);
  const extra = n % parts;
  const out: ImageRange[] = [];
  let at = start;
  for (let i = 0; i < parts; i++) {
    const count = base + (i < extra ? 1 : 0);
    out.push({ start: at, count });
    at += count;
  }
  return out;
}

/** Positive (non-background) priors of the images in `range`; `labels` is `[N, numPriors]`. */
export function positivePriors(labels: Int32Array, numPriors: number, range: ImageRange): number {
  let pos = 0;
  const end = (range.start + range.count) * numPriors;
  for (let i = range.start * numPriors; i < end; i++) if (labels[i]! > 0) pos++;
  return pos;
}

/**
 * Cuts `share` into micro-batches of at most `size` images, as even as possible, each weighted by its share
 * of the batch's positives (`batchPositives`).
 */
export function microBatches(
  share: ImageRange,
  size: number,
  labels: Int32Array,
  numPriors: number,
  batchPositives: number,
): MicroBatch[] {
  const parts = Math.ceil(share.count / size);
  return splitEvenly(share.start, share.count, parts).map((r) => ({
    ...r,
    weight: Math.max(positivePriors(labels, numPriors, r), 1) / Math.max(batchPositives, 1),
  }));
}

/**
 * Images each thread keeps by default when the model has BatchNorm, which normalises every thread's share with
 * that share's statistics: the quick start (batch 8) reached VOC07 mAP 0.76 with one thread of 8 images and
 * 0.56 with two threads of 4.
 */
export const MIN_BATCH_NORM_SHARE = 8;

/**
 * The threads computing each batch's gradients: SOLVER.TRAIN_WORKERS, or for 0 one per core on the
 * single-threaded backends (wasm, js), each with at least MIN_BATCH_NORM_SHARE images when the model has
 * BatchNorm (one image otherwise), and 1 on the others (native TensorFlow and GPUs use the whole device already).
 */
export function resolveTrainWorkers(
  cfg: SSDConfig,
  backend: string,
  cores: number,
  hasBatchNorm: boolean,
): number {
  const asked = cfg.SOLVER.TRAIN_WORKERS;
  const batch = cfg.SOLVER.BATCH_SIZE;
  const parallel = DATA_PARALLEL_BACKENDS.has(backend);
  const minShare = hasBatchNorm ? MIN_BATCH_NORM_SHARE : 1;
  if (asked === 0) return parallel ? Math.max(1, Math.min(cores, Math.floor(batch / minShare))) : 1;
  if (asked > 1 && !parallel) {
    throw new Error(
      `not supported: SOLVER.TRAIN_WORKERS ${asked} on backend '${backend}' (worker threads run the single-threaded ` +
        `wasm and js backends; this one uses the whole device already): set it to 1 or 0`,
    );
  }
  if (asked > batch) {
    throw new Error(
      `SOLVER.TRAIN_WORKERS ${asked} is more than SOLVER.BATCH_SIZE ${batch}: each worker needs at least one image`,
    );
  }
  return asked;
}

/** How a batch is computed, in words: "batch 32 runs as 2 workers × 4 micro-batches of 4 images on wasm". */
export function describePlan(batch: number, workers: number, microBatch: number, backend: string): string {
  const perWorker = Math.ceil(batch / workers);
  const micro = Math.ceil(perWorker / microBatch);
  const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;
  const threads = workers > 1 ? `${workers} workers` : '';
  const passes = micro > 1 ? `${micro} micro-batches of ${images(Math.min(microBatch, perWorker))}` : '';
  const how = [threads, passes].filter(Boolean).join(' × ') || 'one pass';
  const each = workers > 1 && micro === 1 ? ` of ${images(perWorker)}` : '';
  return `batch ${batch} runs as ${how}${each} on ${backend}`;
}
