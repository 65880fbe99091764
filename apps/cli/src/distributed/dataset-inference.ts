/**
 * The one place the command line reaches the data-set inference and evaluation it shares with training:
 * `ssd test`, its distributed coordinator and `ssd worker` import them from here and nowhere else.
 */
import type { SSDConfig } from '@ssd/config';
import type { DetectionDataset } from '@ssd/data';
import { evaluateDataset, type ImageDetections } from '@ssd/trainer';

export { type ImageDetections, inference, runEvaluation } from '@ssd/trainer';

/**
 * Evaluates detections gathered for every image of `dataset` (in its order) with the data set's protocol,
 * as `ssd test` does in one process, and writes `<outputDir>/metrics.json`.
 */
export function evaluateGathered(
  dataset: DetectionDataset,
  predictions: readonly ImageDetections[],
  outputDir: string,
): ReturnType<typeof evaluateDataset> {
  return evaluateDataset(dataset, predictions, outputDir);
}

/** Throws unless the data set has MODEL.NUM_CLASSES classes (background included), as `ssd test` checks. */
export function checkNumClasses(
  cfg: Readonly<SSDConfig>,
  dataset: DetectionDataset,
  names: readonly string[],
): void {
  const classes = dataset.classNames.length;
  if (classes === cfg.MODEL.NUM_CLASSES) return;
  const list = dataset.classNames.slice(1, 11).join(', ') + (classes > 11 ? ', …' : '');
  throw new Error(
    `MODEL.NUM_CLASSES is ${cfg.MODEL.NUM_CLASSES} but data set '${names.join(', ')}' has ${classes} classes ` +
      `(background and ${classes - 1}: ${list}); set MODEL.NUM_CLASSES ${classes}`,
  );
}
