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

/** Weights each pass by its share of the batch's positives (`batchPositives`), see MicroBatch. */
export function weighPasses(
  passes: ImageRange[],
  labels: Int32Array,
  numPriors: number,
  batchPositives: number,
): MicroBatch[] {
  return passes.map((r) => ({
    ...r,
    weight: Math.max(positivePriors(labels, numPriors, r), 1) / Math.max(batchPositives, 1),
  }));
}

/** Passes of at most `size` images (may be Infinity) that `images` take. */
function passCount(images: number, size: number): number {
  return Math.max(1, Math.ceil(images / size));
}

/** Cuts `share` into passes of at most `size` images, as even as possible. */
export function sharePasses(share: ImageRange, size: number): ImageRange[] {
  return splitEvenly(share.start, share.count, passCount(share.count, size));
}

/**
 * Cuts every share into the same number of passes of at most `size` images, so that synchronised BatchNorm
 * normalises the threads' k-th passes together; null when a share has fewer images than that number (shares
 * of 3 and 2 images in passes of 1).
 */
export function equalPasses(shares: ImageRange[], size: number): ImageRange[][] | null {
  const passes = passCount(Math.max(...shares.map((s) => s.count)), size);
  if (shares.some((s) => s.count < passes)) return null;
  return shares.map((s) => splitEvenly(s.start, s.count, passes));
}

/**
 * The threads computing each batch's gradients: SOLVER.TRAIN_WORKERS, or for 0 one per core (at most one per
 * image) on the single-threaded backends (wasm, js), and 1 on the others (native TensorFlow and GPUs use the
 * whole device already). BatchNorm needs no larger shares: it synchronises its statistics across the threads.
 */
export function resolveTrainWorkers(cfg: SSDConfig, backend: string, cores: number): number {
  const asked = cfg.SOLVER.TRAIN_WORKERS;
  const batch = cfg.SOLVER.BATCH_SIZE;
  const parallel = DATA_PARALLEL_BACKENDS.has(backend);
  if (asked === 0) return parallel ? Math.max(1, Math.min(cores, batch)) : 1;
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
