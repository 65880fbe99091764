import * as fs from 'node:fs';

/** One training log line: its iteration and every numeric field it carried (loss, lr, ...). */
export interface TrainRecord {
  iter: number;
  values: Record<string, number>;
}

/** One evaluation log line: mAP on one dataset at an iteration. */
export interface EvalRecord {
  iter: number;
  dataset: string;
  mAP: number;
}

/** The usable content of a JSON-lines metrics file, each list sorted by iteration. */
export interface TrainingMetrics {
  train: TrainRecord[];
  evals: EvalRecord[];
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
 * Parses JSON-lines metrics text. Lines of other types are ignored; malformed lines are skipped with a
 * warning `source:line: ...`.
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

/** Reads and parses a JSON-lines metrics file (see parseMetrics). */
export function readMetricsFile(file: string, warn: WarnFn = console.warn): TrainingMetrics {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read metrics file ${file}: ${(err as Error).message}`);
  }
  return parseMetrics(text, file, warn);
}
