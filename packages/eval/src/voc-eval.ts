import type { ImageGroundTruth, ImagePredictions, Metrics } from './types';
import { validateInputs } from './validate';
import type { VocApMetric } from './voc-ap';
import { vocAveragePrecision } from './voc-ap';
import { computeVocCurves } from './voc-curves';

/** VOC evaluation settings; the defaults are the reference's (IoU 0.5, VOC2007 11-point AP). */
export interface VocOptions {
  iouThreshold?: number;
  metric?: VocApMetric;
}

/** VOC evaluation outcome: AP per class id (index 0, background, is always null) and their mean. */
export interface VocEvaluation {
  ap: (number | null)[];
  mAP: number | null;
}

/** Per-class VOC AP and mAP; classes without non-difficult ground truth get null and stay out of the mean. */
export function evaluateVoc(
  classNames: readonly string[],
  groundTruth: readonly ImageGroundTruth[],
  predictions: readonly ImagePredictions[],
  options: VocOptions = {},
): VocEvaluation {
  validateInputs(classNames, groundTruth, predictions);
  const { iouThreshold = 0.5, metric = 'voc07' } = options;
  const { curves } = computeVocCurves(classNames.length, groundTruth, predictions, iouThreshold);
  const ap = curves.map((curve, c) =>
    c === 0 || curve === null ? null : vocAveragePrecision(curve, metric),
  );
  const defined = ap.filter((value): value is number => value !== null);
  const mAP = defined.length > 0 ? defined.reduce((sum, value) => sum + value, 0) / defined.length : null;
  return { ap, mAP };
}

/** The metrics.json object of a VOC evaluation: `{ mAP, <className>: AP, … }` without background. */
export function vocMetrics(classNames: readonly string[], evaluation: VocEvaluation): Metrics {
  const metrics: Metrics = { mAP: evaluation.mAP };
  for (let c = 1; c < classNames.length; c++) metrics[classNames[c]] = evaluation.ap[c];
  return metrics;
}

function fixed4(value: number | null): string {
  return value === null ? 'nan' : value.toFixed(4);
}

/** The VOC result as the reference logs it: an mAP line, then one `name: AP` line per class. */
export function formatVocTable(classNames: readonly string[], evaluation: VocEvaluation): string {
  const lines = [`mAP: ${fixed4(evaluation.mAP)}`];
  for (let c = 1; c < classNames.length; c++) {
    lines.push(`${classNames[c].padEnd(16)}: ${fixed4(evaluation.ap[c])}`);
  }
  return `${lines.join('\n')}\n`;
}
