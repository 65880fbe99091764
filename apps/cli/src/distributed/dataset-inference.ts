/**
 * The one place the command line reaches the data-set inference and evaluation it shares with training:
 * `ssd test`, its distributed coordinator and `ssd worker` import them from here and nowhere else.
 */
import type { DetectionDataset } from '@ssd/data';
import { evaluateDataset } from '@ssd/eval';
import { evaluationFormat, type ImageDetections } from '@ssd/inference';

export { checkNumClasses } from '@ssd/data';
export { type ImageDetections, inference, runEvaluation } from '@ssd/inference';

/**
 * Evaluates detections gathered for every image of `dataset` (in its order) with the data set's protocol,
 * as `ssd test` does in one process, and writes `<outputDir>/metrics.json`.
 */
export function evaluateGathered(
  dataset: DetectionDataset,
  predictions: readonly ImageDetections[],
  outputDir: string,
): ReturnType<typeof evaluateDataset> {
  return evaluateDataset(dataset, predictions, { format: evaluationFormat(dataset), outputDir });
}
