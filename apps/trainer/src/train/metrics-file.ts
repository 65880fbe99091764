import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@ssd/engine';

/** One line of the JSON-lines metrics file that `ssd plot` reads. */
export type MetricsRecord =
  | ({ type: 'train'; iter: number } & Record<string, number | string>)
  | ({ type: 'eval'; iter: number; dataset: string } & Record<string, number | string | null>);

/** Appends training and evaluation figures to `OUTPUT_DIR/metrics.jsonl`. */
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
