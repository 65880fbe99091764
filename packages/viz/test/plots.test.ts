import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RasterImage, Rgb } from '@ssd/image';
import sharp from 'sharp';
import { renderLineChart } from '../src/chart/line-chart';
import type { TrainingMetrics } from '../src/chart/metrics';
import { plotTrainingCurves, SERIES_COLORS } from '../src/chart/training-plots';
import { pixel } from './helpers';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-plots-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A synthetic run: decaying losses with running averages, a step learning rate, optional evals. */
function metrics(withEval: boolean): TrainingMetrics {
  const out: TrainingMetrics = { train: [], evals: [] };
  for (let iter = 10; iter <= 2000; iter += 10) {
    const reg = 1 + 2 * Math.exp(-iter / 400) + 0.1 * Math.sin(iter);
    const cls = 2 + 3 * Math.exp(-iter / 300) + 0.1 * Math.cos(iter);
    out.train.push({
      iter,
      values: {
        lr: iter < 1500 ? 1e-3 : 1e-4,
        loss: reg + cls,
        reg_loss: reg,
        cls_loss: cls,
        loss_avg: 1 + 5 * Math.exp(-iter / 350),
        time: 0.4,
      },
    });
    if (withEval && iter % 500 === 0) out.evals.push({ iter, dataset: 'shapes_test', mAP: iter / 2500 });
  }
  return out;
}

async function decode(file: string): Promise<RasterImage> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels as 3 };
}

/** How many pixels have exactly `color`. */
function countColor(img: RasterImage, color: Rgb): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const p = pixel(img, x, y);
      if (p[0] === color[0] && p[1] === color[1] && p[2] === color[2]) n++;
    }
  }
  return n;
}

/** How many pixels are `color` blended over white at an opacity of at least `minAlpha` (thin lines). */
function countTint(img: RasterImage, color: Rgb, minAlpha: number): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const p = pixel(img, x, y);
      const a = (255 - p[0]) / (255 - color[0]);
      const fits = [0, 1, 2].every((c) => Math.abs(255 - a * (255 - color[c]) - p[c]) <= 2);
      if (a >= minAlpha && a <= 1.01 && fits) n++;
    }
  }
  return n;
}

describe('plotTrainingCurves', () => {
  test('writes loss, lr and mAP charts as PNGs with lines in the series colours', async () => {
    const files = await plotTrainingCurves(metrics(true), path.join(dir, 'plots'));
    expect(files.map((f) => path.basename(f))).toEqual(['loss.png', 'lr.png', 'map.png']);
    for (const f of files) {
      const meta = await sharp(f).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 960, 540]);
    }
    const loss = await decode(files[0]);
    // The total loss has a smoothed line (full colour) over its raw one (faded); the parts have raw lines only.
    expect(countColor(loss, SERIES_COLORS.loss)).toBeGreaterThan(300);
    expect(countTint(loss, [154, 194, 221], 0.6)).toBeGreaterThan(300);
    expect(countColor(loss, SERIES_COLORS.reg_loss)).toBeGreaterThan(150);
    expect(countColor(loss, SERIES_COLORS.cls_loss)).toBeGreaterThan(150);
    const lr = await decode(files[1]);
    expect(countColor(lr, SERIES_COLORS.lr)).toBeGreaterThan(500);
    expect(countColor(lr, SERIES_COLORS.loss)).toBe(0);
  });

  test('leaves out the mAP chart without eval lines, and honours the size option', async () => {
    const files = await plotTrainingCurves(metrics(false), dir, { width: 640, height: 400 });
    expect(files.map((f) => path.basename(f))).toEqual(['loss.png', 'lr.png']);
    expect(fs.existsSync(path.join(dir, 'map.png'))).toBe(false);
    const meta = await sharp(files[0]).metadata();
    expect([meta.width, meta.height]).toEqual([640, 400]);
  });

  test('fails naming the source when there is nothing to plot', async () => {
    await expect(
      plotTrainingCurves({ train: [], evals: [] }, dir, { source: 'run/metrics.jsonl' }),
    ).rejects.toThrow('no losses, learning rate or mAP found in run/metrics.jsonl');
  });
});

describe('renderLineChart', () => {
  test('draws a horizontal series as a straight run of its colour between the axes', () => {
    const color: Rgb = [200, 30, 60];
    const img = renderLineChart({
      title: 'flat',
      xLabel: 'x',
      yLabel: 'y',
      width: 400,
      height: 300,
      series: [
        {
          name: 's',
          color,
          points: [
            [0, 5],
            [10, 5],
          ],
          lineWidth: 3,
        },
      ],
    });
    const rows = new Map<number, number>();
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const p = pixel(img, x, y);
        if (p[0] === color[0] && p[1] === color[1] && p[2] === color[2]) rows.set(y, (rows.get(y) ?? 0) + 1);
      }
    }
    // The line's full-colour pixels fill a few rows across most of the width (plus the legend swatch).
    const longRows = [...rows.entries()].filter(([, n]) => n > 250);
    expect(longRows.length).toBeGreaterThanOrEqual(2);
    expect(longRows.length).toBeLessThanOrEqual(3);
  });

  test('rejects a chart with no points', () => {
    expect(() => renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toThrow(/no points/);
  });
});
