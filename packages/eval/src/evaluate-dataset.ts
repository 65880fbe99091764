import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type EvaluateOptions, type EvaluationFormat, evaluateDetections } from './evaluate';
import type { EvaluationResult, ImageGroundTruth, ImagePredictions } from './types';

/**
 * What evaluation reads of a data set: its class names (index 0 = background) and each image's ground truth
 * as its evaluation protocol wants it. Structural: @ssd/data's `DetectionDataset` is one, and this package
 * needs no data package.
 */
export interface AnnotatedDataset {
  readonly length: number;
  readonly classNames: readonly string[];
  getEvaluationAnnotation(index: number): ImageGroundTruth;
}

/** Options of `evaluateDataset`. */
export interface EvaluateDatasetOptions {
  /** The protocol: VOC's or COCO's. */
  format: EvaluationFormat;
  /** Where `metrics.json` goes (created if needed); none is written without it. */
  outputDir?: string;
  options?: EvaluateOptions;
}

/**
 * Evaluates detections of every image of a data set, in its order (as many as it has images), against its
 * ground truth, and writes the metrics to `<outputDir>/metrics.json`. It needs no model: detections gathered
 * from anywhere (one process, or shards from several) give the same metrics, bit for bit.
 */
export function evaluateDataset(
  dataset: AnnotatedDataset,
  predictions: readonly ImagePredictions[],
  { format, outputDir, options }: EvaluateDatasetOptions,
): EvaluationResult {
  if (predictions.length !== dataset.length) {
    throw new Error(
      `have detections for ${predictions.length} images but the data set has ${dataset.length}`,
    );
  }
  const groundTruth = predictions.map((_, index): ImageGroundTruth => {
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
    format,
    classNames: [...dataset.classNames],
    groundTruth,
    predictions,
    options,
  });
  if (outputDir) {
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'metrics.json'), `${JSON.stringify(result.metrics, null, 2)}\n`);
  }
  return result;
}
