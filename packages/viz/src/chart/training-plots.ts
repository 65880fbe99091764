import * as path from 'node:path';
import { type Rgb, writeImageFile } from '@ssd/image';
import { type ChartSeries, type LineChartSpec, renderLineChart } from './line-chart';
import type { TrainingMetrics } from './metrics';

/** Line colours of the training plots, by metric key. */
export const SERIES_COLORS = {
  loss: [31, 119, 180],
  reg_loss: [255, 127, 14],
  cls_loss: [44, 160, 44],
  lr: [148, 103, 189],
} as const satisfies Record<string, Rgb>;

/** Colours for mAP lines, one per evaluated dataset in order of first appearance. */
export const EVAL_COLORS: readonly Rgb[] = [
  [214, 39, 40],
  [31, 119, 180],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
  [140, 86, 75],
];

const LOSS_KEYS = ['loss', 'reg_loss', 'cls_loss'] as const;
/** Suffix of the smoothed (running average) variant of a logged value. */
const SMOOTHED_SUFFIX = '_avg';

/** Mixes `color` with white so a raw, noisy series recedes behind its smoothed version. */
function faded(color: Rgb): Rgb {
  const mix = (c: number) => Math.round(c * 0.45 + 255 * 0.55);
  return [mix(color[0]), mix(color[1]), mix(color[2])];
}

/** The (iter, value) points of one training key, skipping lines that lack it. */
function trainPoints(metrics: TrainingMetrics, key: string): [number, number][] {
  return metrics.train.filter((r) => key in r.values).map((r) => [r.iter, r.values[key]]);
}

function lossChart(metrics: TrainingMetrics): LineChartSpec | undefined {
  const raw: ChartSeries[] = [];
  const smooth: ChartSeries[] = [];
  for (const key of LOSS_KEYS) {
    const points = trainPoints(metrics, key);
    const smoothed = trainPoints(metrics, key + SMOOTHED_SUFFIX);
    const color = SERIES_COLORS[key];
    if (points.length > 0) {
      raw.push(
        smoothed.length > 0
          ? { name: key, color: faded(color), points, lineWidth: 1 }
          : { name: key, color, points, lineWidth: 1.5 },
      );
    }
    if (smoothed.length > 0)
      smooth.push({ name: `${key} (smoothed)`, color, points: smoothed, lineWidth: 2 });
  }
  const series = [...raw, ...smooth];
  return series.length > 0
    ? { title: 'Training loss', xLabel: 'iteration', yLabel: 'loss', series }
    : undefined;
}

function lrChart(metrics: TrainingMetrics): LineChartSpec | undefined {
  const points = trainPoints(metrics, 'lr');
  if (points.length === 0) return undefined;
  return {
    title: 'Learning rate',
    xLabel: 'iteration',
    yLabel: 'learning rate',
    series: [{ name: 'lr', color: SERIES_COLORS.lr, points, lineWidth: 2 }],
  };
}

function mapChart(metrics: TrainingMetrics): LineChartSpec | undefined {
  const datasets = [...new Set(metrics.evals.map((e) => e.dataset))];
  if (datasets.length === 0) return undefined;
  const series = datasets.map((dataset, i) => ({
    name: dataset,
    color: EVAL_COLORS[i % EVAL_COLORS.length],
    points: metrics.evals.filter((e) => e.dataset === dataset).map((e): [number, number] => [e.iter, e.mAP]),
    markers: true,
  }));
  return { title: 'Evaluation mAP', xLabel: 'iteration', yLabel: 'mAP', series };
}

/** Output file name and chart builder; a builder returns nothing when the metrics lack its data. */
const CHARTS: ReadonlyArray<readonly [string, (m: TrainingMetrics) => LineChartSpec | undefined]> = [
  ['loss.png', lossChart],
  ['lr.png', lrChart],
  ['map.png', mapChart],
];

/** Options for plotTrainingCurves. */
export interface PlotOptions {
  /** Where the metrics came from (a file), named when they hold nothing to plot. */
  source?: string;
  width?: number;
  height?: number;
}

/**
 * Writes PNG charts of a training run's metrics into `outDir`: loss.png (losses and their smoothed values),
 * lr.png (learning rate) and map.png (only when there are evaluations). Returns the paths written.
 */
export async function plotTrainingCurves(
  metrics: TrainingMetrics,
  outDir: string,
  options: PlotOptions = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const [file, build] of CHARTS) {
    const spec = build(metrics);
    if (!spec) continue;
    const out = path.join(outDir, file);
    await writeImageFile(renderLineChart({ ...spec, width: options.width, height: options.height }), out);
    written.push(out);
  }
  if (written.length === 0)
    throw new Error(`no losses, learning rate or mAP found in ${options.source ?? 'the metrics'}`);
  return written;
}
