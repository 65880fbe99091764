import type { CocoCurves } from './coco-accumulate';
import type { AreaRange } from './coco-params';

/** One line of the standard COCO summary. */
export interface SummaryEntry {
  /** Metric key, e.g. `AP50` or `ARs`. */
  key: string;
  kind: 'AP' | 'AR';
  /** A single IoU threshold, or undefined for the mean over all thresholds. */
  iou?: number;
  area: AreaRange['name'];
  maxDets: number;
}

/** The twelve standard COCO detection metrics, in COCOeval's `stats` order. */
export const SUMMARY_ENTRIES: readonly SummaryEntry[] = [
  { key: 'AP', kind: 'AP', area: 'all', maxDets: 100 },
  { key: 'AP50', kind: 'AP', iou: 0.5, area: 'all', maxDets: 100 },
  { key: 'AP75', kind: 'AP', iou: 0.75, area: 'all', maxDets: 100 },
  { key: 'APs', kind: 'AP', area: 'small', maxDets: 100 },
  { key: 'APm', kind: 'AP', area: 'medium', maxDets: 100 },
  { key: 'APl', kind: 'AP', area: 'large', maxDets: 100 },
  { key: 'AR1', kind: 'AR', area: 'all', maxDets: 1 },
  { key: 'AR10', kind: 'AR', area: 'all', maxDets: 10 },
  { key: 'AR100', kind: 'AR', area: 'all', maxDets: 100 },
  { key: 'ARs', kind: 'AR', area: 'small', maxDets: 100 },
  { key: 'ARm', kind: 'AR', area: 'medium', maxDets: 100 },
  { key: 'ARl', kind: 'AR', area: 'large', maxDets: 100 },
];

/** Which slice of the accumulated curves to average: null in a field means every index. */
export interface CurveSelection {
  t: number | null;
  k: number | null;
  a: number;
  m: number;
}

/** Mean of the selected precision (AP) or recall (AR) entries that are defined (> -1); null if none are. */
export function meanOfDefined(curves: CocoCurves, kind: 'AP' | 'AR', sel: CurveSelection): number | null {
  const { T, R, K, A, M } = curves.dims;
  let sum = 0;
  let count = 0;
  const add = (value: number) => {
    if (value > -1) {
      sum += value;
      count++;
    }
  };
  for (let t = 0; t < T; t++) {
    if (sel.t !== null && t !== sel.t) continue;
    for (let k = 0; k < K; k++) {
      if (sel.k !== null && k !== sel.k) continue;
      if (kind === 'AR') {
        add(curves.recall[((t * K + k) * A + sel.a) * M + sel.m]);
      } else {
        for (let r = 0; r < R; r++) add(curves.precision[(((t * R + r) * K + k) * A + sel.a) * M + sel.m]);
      }
    }
  }
  return count > 0 ? sum / count : null;
}

function indexOrThrow<T>(list: readonly T[], value: T, what: string): number {
  const i = list.indexOf(value);
  if (i < 0)
    throw new Error(`not supported: COCO summary needs ${what} ${value} in the evaluation parameters`);
  return i;
}

/** Resolves a summary entry to the curve slice it averages. */
export function selectEntry(
  entry: SummaryEntry,
  iouThresholds: readonly number[],
  areaRanges: readonly AreaRange[],
  maxDets: readonly number[],
): CurveSelection {
  return {
    t: entry.iou === undefined ? null : indexOrThrow(iouThresholds, entry.iou, 'IoU threshold'),
    k: null,
    a: indexOrThrow(
      areaRanges.map((range) => range.name),
      entry.area,
      'area range',
    ),
    m: indexOrThrow(maxDets, entry.maxDets, 'maxDets'),
  };
}

/** One summary line in the layout COCOeval prints, e.g. ` Average Precision  (AP) @[ IoU=0.50 | … ] = 0.512`. */
export function formatSummaryLine(
  entry: SummaryEntry,
  value: number | null,
  iouThresholds: readonly number[],
): string {
  const title = entry.kind === 'AP' ? 'Average Precision' : 'Average Recall';
  const iou =
    entry.iou === undefined
      ? `${iouThresholds[0].toFixed(2)}:${iouThresholds[iouThresholds.length - 1].toFixed(2)}`
      : entry.iou.toFixed(2);
  const shown = value === null ? '-1.000' : value.toFixed(3);
  return ` ${title.padEnd(18)} (${entry.kind}) @[ IoU=${iou.padEnd(9)} | area=${entry.area.padStart(6)} | maxDets=${String(entry.maxDets).padStart(3)} ] = ${shown}`;
}
