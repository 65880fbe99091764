import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scaleBoxes } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import { COCODataset, type DetectionDataset, type ImageId, makeTestLoader } from '@ssd/data';
import type { Detector } from '@ssd/engine';
import { createProgress, type ProgressOptions } from '@ssd/engine';
import { type EvaluationResult, evaluateDetections } from '@ssd/eval';
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

/** Runs the detector over every image of `dataset` in order (test transforms, TEST.BATCH_SIZE batches). */
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

/** The evaluation protocol of a data set: COCO's for COCO data, VOC's otherwise (as the reference does). */
export function evaluationFormat(dataset: DetectionDataset): 'voc' | 'coco' {
  return dataset instanceof COCODataset ? 'coco' : 'voc';
}

/** Evaluates detections against the data set's annotations; writes `metrics.json` in `outputDir` if given. */
export function evaluateDataset(
  dataset: DetectionDataset,
  predictions: readonly ImageDetections[],
  outputDir?: string,
): EvaluationResult {
  if (predictions.length !== dataset.length) {
    throw new Error(
      `have detections for ${predictions.length} images but the data set has ${dataset.length}`,
    );
  }
  const groundTruth = predictions.map((_, index) => {
    const a = dataset.getEvaluationAnnotation(index);
    return {
      imageId: a.imageId,
      boxes: a.boxes,
      labels: a.labels,
      difficult: a.difficult,
      iscrowd: a.iscrowd,
      area: a.area,
    };
  });
  const result = evaluateDetections({
    format: evaluationFormat(dataset),
    classNames: [...dataset.classNames],
    groundTruth,
    predictions,
  });
  if (outputDir) {
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'metrics.json'), `${JSON.stringify(result.metrics, null, 2)}\n`);
  }
  return result;
}
