import type { PrecisionRecallCurve } from './voc-curves';

/** How a VOC precision/recall curve is reduced to one number. */
export type VocApMetric = 'voc07' | 'area';

/** Precision with NaN (no decided detection yet) read as 0, made non-increasing from the right. */
function precisionEnvelope(precision: Float64Array): Float64Array {
  const envelope = new Float64Array(precision.length);
  let running = 0;
  for (let i = precision.length - 1; i >= 0; i--) {
    const p = Number.isNaN(precision[i]) ? 0 : precision[i];
    if (p > running) running = p;
    envelope[i] = running;
  }
  return envelope;
}

/** VOC2007 11-point AP: mean over recall levels 0, 0.1, …, 1 of the best precision at that recall or more. */
function ap11Point({ precision, recall }: PrecisionRecallCurve): number {
  const envelope = precisionEnvelope(precision);
  let ap = 0;
  let first = 0;
  for (let k = 0; k <= 10; k++) {
    // Same float values as numpy's arange(0, 1.1, 0.1), so recalls on a level compare identically.
    const level = k * 0.1;
    while (first < recall.length && recall[first] < level) first++;
    ap += (first < recall.length ? envelope[first] : 0) / 11;
  }
  return ap;
}

/** Area under the precision envelope, summed where recall steps (VOC2010+ metric). */
function apArea({ precision, recall }: PrecisionRecallCurve): number {
  const envelope = precisionEnvelope(precision);
  let ap = 0;
  let previousRecall = 0;
  for (let i = 0; i < recall.length; i++) {
    if (recall[i] !== previousRecall) {
      ap += (recall[i] - previousRecall) * envelope[i];
      previousRecall = recall[i];
    }
  }
  // The sentinel end point at recall 1 carries precision 0, so it adds nothing.
  return ap;
}

const AP_METRICS: Record<VocApMetric, (curve: PrecisionRecallCurve) => number> = {
  voc07: ap11Point,
  area: apArea,
};

/** Average precision of one class's curve under the chosen VOC metric. */
export function vocAveragePrecision(curve: PrecisionRecallCurve, metric: VocApMetric): number {
  const compute = AP_METRICS[metric];
  if (compute === undefined) throw new Error(`not supported: VOC AP metric '${metric}' (use voc07 or area)`);
  return compute(curve);
}
