export { annotateImageFile } from './annotate-file';
export { type ChartSeries, type LineChartSpec, renderLineChart } from './chart/line-chart';
export type { EvalRecord, TrainingMetrics, TrainRecord } from './chart/metrics';
export { formatTicks, niceTicks, type Ticks } from './chart/ticks';
export { EVAL_COLORS, type PlotOptions, plotTrainingCurves, SERIES_COLORS } from './chart/training-plots';
export { classColor, contrastRatio, relativeLuminance, textColorOn } from './colors';
export {
  boxRect,
  type Detection,
  type DrawOptions,
  defaultFontSize,
  defaultLineWidth,
  drawDetections,
  labelText,
  layoutTag,
  type TagLayout,
} from './draw-detections';
export {
  drawText,
  type FontWeight,
  measureText,
  type TextMetrics,
  type TextPlacement,
  type TextStyle,
} from './font/text';
