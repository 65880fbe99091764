/**
 * `OUTPUT_DIR/metrics.jsonl`, training's log as JSON lines: its one owner, writer and reader together.
 * A `train` line every log step (losses raw and smoothed, learning rate, times, memory), an `eval` line per
 * data set evaluated (mAP and per-class AP for VOC, the AP/AR breakdown for COCO).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@ssd/engine';
import { plotTrainingCurves, type TrainingMetrics } from '@ssd/viz';

/** The file's name in OUTPUT_DIR. */
export const METRICS_FILE = 'metrics.jsonl';

/** One line of the file. */
export type MetricsRecord =
  | ({ type: 'train'; iter: number } & Record<string, number | string>)
  | ({ type: 'eval'; iter: number; dataset: string } & Record<string, number | string | null>);

/** Appends records to a metrics file. */
export class MetricsFile {
  constructor(readonly file: string) {}

  /**
   * Prepares the file for a run starting after `startIter` iterations: lines past it (written after the
   * checkpoint a resumed run restarts from) are dropped, so no iteration appears twice.
   */
  resumeAt(startIter: number): void {
    if (!existsSync(this.file)) return;
    const kept = readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((line) => {
        if (!line.trim()) return false;
        try {
          return (JSON.parse(line) as { iter?: number }).iter! <= startIter;
        } catch {
          return false;
        }
      });
    writeFileAtomic(this.file, kept.map((l) => `${l}\n`).join(''));
  }

  /** Appends one record. */
  append(record: MetricsRecord): void {
    try {
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    } catch (e) {
      throw new Error(`cannot append to ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Receives one message per skipped line. */
export type WarnFn = (message: string) => void;

type Json = Record<string, unknown>;

/** Turns one parsed line into a record, or returns why it is unusable. */
const LINE_READERS: Record<string, (line: Json, out: TrainingMetrics) => string | undefined> = {
  train: (line, out) => {
    if (typeof line.iter !== 'number' || !Number.isFinite(line.iter))
      return "train line without a numeric 'iter'";
    const values: Record<string, number> = {};
    for (const [key, v] of Object.entries(line)) {
      if (key !== 'iter' && typeof v === 'number' && Number.isFinite(v)) values[key] = v;
    }
    out.train.push({ iter: line.iter, values });
    return undefined;
  },
  eval: (line, out) => {
    if (typeof line.iter !== 'number' || !Number.isFinite(line.iter))
      return "eval line without a numeric 'iter'";
    if (typeof line.mAP !== 'number' || !Number.isFinite(line.mAP))
      return "eval line without a numeric 'mAP'";
    out.evals.push({
      iter: line.iter,
      dataset: typeof line.dataset === 'string' ? line.dataset : 'test',
      mAP: line.mAP,
    });
    return undefined;
  },
};

/**
 * Parses metrics-file text into the series the training plots draw. Lines of other types are ignored;
 * malformed lines are skipped with a warning `source:line: ...`.
 */
export function parseMetrics(text: string, source: string, warn: WarnFn): TrainingMetrics {
  const out: TrainingMetrics = { train: [], evals: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      warn(`${where}: skipped, not valid JSON`);
      return;
    }
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      warn(`${where}: skipped, not a JSON object`);
      return;
    }
    const type = (line as Json).type;
    if (typeof type !== 'string') {
      warn(`${where}: skipped, no 'type' field`);
      return;
    }
    const problem = LINE_READERS[type]?.(line as Json, out);
    if (problem) warn(`${where}: skipped, ${problem}`);
  });
  // A resumed run can log iterations out of order; plots read left to right.
  out.train.sort((a, b) => a.iter - b.iter);
  out.evals.sort((a, b) => a.iter - b.iter);
  return out;
}

/** Reads and parses a metrics file (see parseMetrics). */
export function readMetricsFile(file: string, warn: WarnFn = console.warn): TrainingMetrics {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read metrics file ${file}: ${(err as Error).message}`);
  }
  return parseMetrics(text, file, warn);
}

/**
 * Plots a metrics file's losses, learning rate and mAP into `outDir` (loss.png, lr.png, map.png); returns the
 * files written. Malformed lines are skipped, each with a warning.
 */
export async function plotMetricsFile(file: string, outDir: string, warn?: WarnFn): Promise<string[]> {
  return plotTrainingCurves(readMetricsFile(file, warn), outDir, { source: file });
}
