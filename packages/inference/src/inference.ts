import { scaleBoxes } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import { type DetectionDataset, type ImageId, makeTestLoader } from '@ssd/data';
import type { Detector } from '@ssd/engine';
import { createProgress, type ProgressOptions } from '@ssd/engine';
import * as tf from '@tensorflow/tfjs-core';

/** Detections of one image, boxes `[x1, y1, x2, y2]` in the original image's pixels. */
export interface ImageDetections {
  imageId: ImageId;
  width: number;
  height: number;
  boxes: Float32Array;
  labels: Int32Array;
  scores: Float32Array;
}

/** Options of `inference`. */
export interface InferenceOptions {
  /** Loader worker threads; default DATA_LOADER.NUM_WORKERS. */
  numWorkers?: number;
  /** Progress display; `false` for none. */
  progress?: ProgressOptions | false;
  /** Name shown on the progress bar. */
  title?: string;
}

/**
 * Runs the detector over every image of `dataset` in order (test transforms, TEST.BATCH_SIZE batches), boxes
 * scaled back to each image's pixels.
 */
export async function inference(
  model: Detector,
  cfg: SSDConfig,
  dataset: DetectionDataset,
  options: InferenceOptions = {},
): Promise<ImageDetections[]> {
  const loader = makeTestLoader(cfg, dataset, { numWorkers: options.numWorkers });
  const progress =
    options.progress === false
      ? undefined
      : createProgress(options.title ?? 'inference', dataset.length, options.progress);
  const results: ImageDetections[] = [];
  const size = cfg.INPUT.IMAGE_SIZE;
  try {
    for await (const batch of loader) {
      const images = tf.tensor4d(batch.images, [batch.batchSize, size, size, 3]);
      let detections: Awaited<ReturnType<Detector['detect']>>;
      try {
        detections = await model.detect(images);
      } finally {
        images.dispose();
      }
      detections.forEach((d, i) => {
        const width = batch.widths[i]!;
        const height = batch.heights[i]!;
        results.push({
          imageId: batch.imageIds[i]!,
          width,
          height,
          boxes: scaleBoxes(d.boxes, size, width, height),
          labels: d.labels,
          scores: d.scores,
        });
      });
      progress?.update(results.length);
    }
  } finally {
    progress?.stop();
  }
  return results;
}
