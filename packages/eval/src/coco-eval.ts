import type { CocoCurves } from './coco-accumulate';
import { accumulateCurves } from './coco-accumulate';
import { buildCocoIndex } from './coco-index';
import { matchDetections } from './coco-match';
import { AREA_RANGES, IOU_THRESHOLDS, MAX_DETS, RECALL_THRESHOLDS } from './coco-params';
import { formatSummaryLine, meanOfDefined, SUMMARY_ENTRIES, selectEntry } from './coco-summary';
import type { ImageGroundTruth, ImagePredictions, Metrics } from './types';
import { validateInputs } from './validate';

/** COCO evaluation outcome: the summary stats, AP per class id, and the curves they came from. */
export interface CocoEvaluation {
  /** The twelve standard metrics by key (AP, AP50, …, ARl); null where COCOeval prints -1. */
  stats: Record<string, number | null>;
  /** AP@[0.50:0.95] per class id over all areas at 100 detections; index 0 (background) is null. */
  categoryAP: (number | null)[];
  curves: CocoCurves;
}

/** COCOeval (bbox) on contiguous class ids: every class in classNames is a category, every image is evaluated. */
export function evaluateCoco(
  classNames: readonly string[],
  groundTruth: readonly ImageGroundTruth[],
  predictions: readonly ImagePredictions[],
): CocoEvaluation {
  validateInputs(classNames, groundTruth, predictions);
  const numCategories = classNames.length - 1;
  const maxDetsPerImage = MAX_DETS[MAX_DETS.length - 1];
  const index = buildCocoIndex(numCategories, groundTruth, predictions, maxDetsPerImage);
  const matches = matchDetections(index, AREA_RANGES, IOU_THRESHOLDS);
  const curves = accumulateCurves(
    index,
    matches,
    IOU_THRESHOLDS.length,
    RECALL_THRESHOLDS,
    MAX_DETS,
    AREA_RANGES.length,
  );

  const stats: Record<string, number | null> = {};
  for (const entry of SUMMARY_ENTRIES) {
    stats[entry.key] = meanOfDefined(
      curves,
      entry.kind,
      selectEntry(entry, IOU_THRESHOLDS, AREA_RANGES, MAX_DETS),
    );
  }
  const all = selectEntry(SUMMARY_ENTRIES[0], IOU_THRESHOLDS, AREA_RANGES, MAX_DETS);
  const categoryAP = classNames.map((_, c) =>
    c === 0 ? null : meanOfDefined(curves, 'AP', { ...all, k: c - 1 }),
  );
  return { stats, categoryAP, curves };
}

/** The metrics.json object of a COCO evaluation: the twelve stats, then `AP-<className>` per class. */
export function cocoMetrics(classNames: readonly string[], evaluation: CocoEvaluation): Metrics {
  const metrics: Metrics = { ...evaluation.stats };
  for (let c = 1; c < classNames.length; c++) metrics[`AP-${classNames[c]}`] = evaluation.categoryAP[c];
  return metrics;
}

/** The COCOeval summary block followed by one `name: AP` line per class. */
export function formatCocoTable(classNames: readonly string[], evaluation: CocoEvaluation): string {
  const lines = SUMMARY_ENTRIES.map((entry) =>
    formatSummaryLine(entry, evaluation.stats[entry.key], IOU_THRESHOLDS),
  );
  lines.push('Per-category AP@[0.50:0.95]:');
  for (let c = 1; c < classNames.length; c++) {
    const ap = evaluation.categoryAP[c];
    lines.push(`${classNames[c].padEnd(16)}: ${ap === null ? 'nan' : ap.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}
