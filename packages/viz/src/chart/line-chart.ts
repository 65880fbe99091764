import {
  createImage,
  discShape,
  fillRect,
  fillShapes,
  type PixelRect,
  polylineShapes,
  type RasterImage,
  type Rgb,
} from '@ssd/image';
import { drawText, measureText, type TextStyle } from '../font/text';
import { formatTicks, niceTicks } from './ticks';

/** One line of a chart: (x, y) points drawn in order, optionally with a dot at each point. */
export interface ChartSeries {
  name: string;
  color: Rgb;
  points: ReadonlyArray<readonly [number, number]>;
  /** Stroke width in pixels (default 2). */
  lineWidth?: number;
  /** Draw a dot at every point (for sparse series such as evaluations). */
  markers?: boolean;
}

/** What to plot: a titled chart of one or more series sharing the axes. */
export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

const BACKGROUND: Rgb = [255, 255, 255];
const INK: Rgb = [40, 40, 40];
const GRID: Rgb = [228, 228, 228];
const FRAME: Rgb = [120, 120, 120];
const TITLE: TextStyle = { size: 18, weight: 'bold' };
const AXIS_LABEL: TextStyle = { size: 14 };
const TICK_LABEL: TextStyle = { size: 12 };
const LEGEND: TextStyle = { size: 12 };
const TICK_LENGTH = 5;
const GAP = 8;
const SWATCH = 24;
const MARKER_RADIUS = 3.5;
/** Blank margin inside the plot frame, as a fraction of the tick range, so lines at the extremes stay visible. */
const X_MARGIN = 0.02;
const Y_MARGIN = 0.04;

/** Draws `text` with its horizontal centre at x and baseline at y. */
function drawCentered(image: RasterImage, text: string, style: TextStyle, x: number, y: number): void {
  drawText(image, text, style, { x: x - measureText(text, style).width / 2, y }, INK);
}

/** The data range over all series, widened to include 0 when every value is non-negative. */
function dataRange(series: readonly ChartSeries[]): { x: [number, number]; y: [number, number] } {
  // Loops rather than Math.min(...values): long training logs exceed the engine's argument limit.
  const x: [number, number] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const y: [number, number] = [0, Number.NEGATIVE_INFINITY];
  for (const s of series) {
    for (const [px, py] of s.points) {
      x[0] = Math.min(x[0], px);
      x[1] = Math.max(x[1], px);
      y[0] = Math.min(y[0], py);
      y[1] = Math.max(y[1], py);
    }
  }
  if (x[0] > x[1]) throw new Error('renderLineChart: no points in any series');
  return { x, y };
}

/** Legend size and placement: in whichever plot corner the series' lines cross least. */
function legendBox(series: readonly ChartSeries[], plot: PixelRect, xy: readonly number[][]): PixelRect {
  const rowH = Math.ceil(LEGEND.size * 1.5);
  const textW = Math.max(...series.map((s) => measureText(s.name, LEGEND).width));
  const w = Math.ceil(GAP + SWATCH + 6 + textW + GAP);
  const h = rowH * series.length + GAP;
  const corners = [
    { x0: plot.x1 - w - GAP, y0: plot.y0 + GAP },
    { x0: plot.x0 + GAP, y0: plot.y0 + GAP },
    { x0: plot.x1 - w - GAP, y0: plot.y1 - h - GAP },
    { x0: plot.x0 + GAP, y0: plot.y1 - h - GAP },
  ].map((c) => ({ ...c, x1: c.x0 + w, y1: c.y0 + h }));
  // Sample every segment at several points so that sparse series count where their lines pass.
  const hits = corners.map((box) => {
    let n = 0;
    for (const line of xy) {
      for (let i = 0; i + 3 < line.length; i += 2) {
        for (let t = 0; t <= 1; t += 0.125) {
          const x = line[i] + t * (line[i + 2] - line[i]);
          const y = line[i + 1] + t * (line[i + 3] - line[i + 1]);
          if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) n++;
        }
      }
    }
    return n;
  });
  return corners[hits.indexOf(Math.min(...hits))];
}

/** Draws the legend: a framed box with a line sample and the name of each series. */
function drawLegend(image: RasterImage, series: readonly ChartSeries[], box: PixelRect): void {
  const rowH = Math.ceil(LEGEND.size * 1.5);
  fillRect(image, box, FRAME);
  fillRect(image, { x0: box.x0 + 1, y0: box.y0 + 1, x1: box.x1 - 1, y1: box.y1 - 1 }, BACKGROUND);
  series.forEach((s, i) => {
    const midY = box.y0 + GAP / 2 + rowH * i + rowH / 2;
    const x0 = box.x0 + GAP;
    fillShapes(image, polylineShapes([x0, midY, x0 + SWATCH, midY], s.lineWidth ?? 2), s.color, box);
    if (s.markers) fillShapes(image, [discShape(x0 + SWATCH / 2, midY, MARKER_RADIUS)], s.color, box);
    const m = measureText(s.name, LEGEND);
    drawText(image, s.name, LEGEND, { x: x0 + SWATCH + 6, y: midY + (m.ascent - m.descent) / 2 }, INK, box);
  });
}

/** Renders a line chart (title, axes with numeric ticks, grid, legend, series) as an RGB image. */
export function renderLineChart(spec: LineChartSpec): RasterImage {
  const width = spec.width ?? 960;
  const height = spec.height ?? 540;
  const image = createImage(width, height, BACKGROUND);
  const range = dataRange(spec.series);
  const yTicks = niceTicks(range.y[0], range.y[1], 6);
  const yLabels = formatTicks(yTicks.values, yTicks.step);
  const tickText = measureText('0', TICK_LABEL);
  const axisText = measureText(spec.yLabel, AXIS_LABEL);
  const yLabelsW = Math.max(...yLabels.map((l) => measureText(l, TICK_LABEL).width));
  const titleText = measureText(spec.title, TITLE);
  const plot: PixelRect = {
    x0: Math.ceil(GAP * 1.5 + axisText.ascent + axisText.descent + GAP + yLabelsW + GAP / 2 + TICK_LENGTH),
    y0: Math.ceil(GAP * 1.5 + titleText.ascent + titleText.descent + GAP),
    x1: width - 3 * GAP,
    y1: Math.floor(
      height - GAP * 1.5 - axisText.ascent - axisText.descent - GAP - tickText.ascent - TICK_LENGTH - 4,
    ),
  };
  if (plot.x1 - plot.x0 < 40 || plot.y1 - plot.y0 < 40) {
    throw new Error(`renderLineChart: ${width}x${height} leaves no room for the plot of '${spec.title}'`);
  }
  const xTicks = niceTicks(range.x[0], range.x[1], Math.max(2, Math.floor((plot.x1 - plot.x0) / 110)));
  const xLabels = formatTicks(xTicks.values, xTicks.step);
  // Data coordinates to pixel centres, the tick range inset from the frame by the margins.
  const xPad = (xTicks.hi - xTicks.lo) * X_MARGIN;
  const yPad = (yTicks.hi - yTicks.lo) * Y_MARGIN;
  const px = (x: number) =>
    plot.x0 + 0.5 + ((x - xTicks.lo + xPad) / (xTicks.hi - xTicks.lo + 2 * xPad)) * (plot.x1 - plot.x0 - 1);
  const py = (y: number) =>
    plot.y1 - 0.5 - ((y - yTicks.lo + yPad) / (yTicks.hi - yTicks.lo + 2 * yPad)) * (plot.y1 - plot.y0 - 1);

  yTicks.values.forEach((v, i) => {
    const y = Math.floor(py(v));
    fillRect(image, { x0: plot.x0, y0: y, x1: plot.x1, y1: y + 1 }, GRID);
    fillRect(image, { x0: plot.x0 - TICK_LENGTH, y0: y, x1: plot.x0, y1: y + 1 }, FRAME);
    const w = measureText(yLabels[i], TICK_LABEL).width;
    const baseline = y + 0.5 + (tickText.ascent - tickText.descent) / 2;
    drawText(image, yLabels[i], TICK_LABEL, { x: plot.x0 - TICK_LENGTH - GAP / 2 - w, y: baseline }, INK);
  });
  xTicks.values.forEach((v, i) => {
    const x = Math.floor(px(v));
    fillRect(image, { x0: x, y0: plot.y0, x1: x + 1, y1: plot.y1 }, GRID);
    fillRect(image, { x0: x, y0: plot.y1, x1: x + 1, y1: plot.y1 + TICK_LENGTH }, FRAME);
    drawCentered(image, xLabels[i], TICK_LABEL, x + 0.5, plot.y1 + TICK_LENGTH + 4 + tickText.ascent);
  });
  const frame = [
    { ...plot, y1: plot.y0 + 1 },
    { ...plot, y0: plot.y1 - 1 },
    { ...plot, x1: plot.x0 + 1 },
    { ...plot, x0: plot.x1 - 1 },
  ];
  for (const edge of frame) fillRect(image, edge, FRAME);

  drawCentered(image, spec.title, TITLE, width / 2, GAP * 1.5 + titleText.ascent);
  drawCentered(
    image,
    spec.xLabel,
    AXIS_LABEL,
    (plot.x0 + plot.x1) / 2,
    height - GAP * 1.5 - axisText.descent,
  );
  drawText(
    image,
    spec.yLabel,
    AXIS_LABEL,
    { x: GAP * 1.5 + axisText.ascent, y: (plot.y0 + plot.y1) / 2 + axisText.width / 2, vertical: true },
    INK,
  );

  const lines = spec.series.map((s) => s.points.flatMap(([x, y]) => [px(x), py(y)]));
  spec.series.forEach((s, k) => {
    const xy = lines[k];
    const lineWidth = s.lineWidth ?? 2;
    const shapes = xy.length === 2 ? [discShape(xy[0], xy[1], lineWidth)] : polylineShapes(xy, lineWidth);
    if (s.markers)
      for (let i = 0; i < xy.length; i += 2) shapes.push(discShape(xy[i], xy[i + 1], MARKER_RADIUS));
    fillShapes(image, shapes, s.color, plot);
  });
  drawLegend(image, spec.series, legendBox(spec.series, plot, lines));
  return image;
}
