import type { ImageId } from '../datasets/types';

/** One sample to load: which image, its ground truth, and the seed of its augmentation stream. */
export interface SampleTask {
  index: number;
  file: string;
  boxes: Float32Array;
  labels: Int32Array;
  seed: number;
}

/** One batch of work, handed to a worker (or run in the main thread). */
export interface BatchTask {
  iteration: number;
  samples: SampleTask[];
}

/** Arrays of a loaded batch; images are `[N, S, S, 3]` float32 HWC. */
export interface BatchArrays {
  images: Float32Array;
  /** Training only: `[N, P, 4]` encoded locations. */
  locations?: Float32Array;
  /** Training only: `[N, P]` prior labels. */
  labels?: Int32Array;
  /** Decoded (original) image sizes. */
  widths: number[];
  heights: number[];
}

/** A training batch: input images and prior-matched targets, ready for tensors. */
export interface TrainBatch {
  /** 0-based iteration; the trainer's 1-based step is `iteration + 1`. */
  iteration: number;
  /** Data set indices of the images. */
  indices: number[];
  /** Images in the batch (an epoch's last batch may be short). */
  batchSize: number;
  imageSize: number;
  numPriors: number;
  /** `[N, S, S, 3]` transformed images. */
  images: Float32Array;
  /** `[N, P, 4]` encoded box regression targets. */
  locations: Float32Array;
  /** `[N, P]` class targets, 0 for background. */
  labels: Int32Array;
}

/** A test batch: images in data set order, with what is needed to map detections back. */
export interface TestBatch {
  indices: number[];
  imageIds: ImageId[];
  /** Original (decoded) widths and heights. */
  widths: number[];
  heights: number[];
  batchSize: number;
  imageSize: number;
  /** `[N, S, S, 3]` transformed images. */
  images: Float32Array;
}

/** The buffers to transfer (not copy) when a batch crosses threads. */
export function transferList(batch: BatchArrays): ArrayBuffer[] {
  const arrays = [batch.images, batch.locations, batch.labels].filter((a) => a !== undefined);
  return arrays.map((a) => a.buffer as ArrayBuffer);
}
