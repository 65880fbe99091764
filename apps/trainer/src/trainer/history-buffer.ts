/**
 * One scalar's values over training, each with the iteration it was put at (detectron2's HistoryBuffer):
 * the latest, medians and means over a window, and the mean of everything seen.
 */
export class HistoryBuffer {
  private readonly values: [value: number, iteration: number][] = [];
  private total = 0;
  private count = 0;

  /** `maxLength`: values kept for windows and `history()`; the global mean counts every value. */
  constructor(private readonly maxLength = 1_000_000) {}

  /** Adds the value put at `iteration`. */
  update(value: number, iteration: number): void {
    this.values.push([value, iteration]);
    if (this.values.length > this.maxLength) this.values.shift();
    this.total += value;
    this.count += 1;
  }

  /** The latest value (NaN before any). */
  latest(): number {
    return this.values.at(-1)?.[0] ?? Number.NaN;
  }

  /** The iteration the latest value was put at (NaN before any). */
  latestIteration(): number {
    return this.values.at(-1)?.[1] ?? Number.NaN;
  }

  /** Median of the last `window` values, the lower of the middle two for an even count, as the reference logs. */
  median(window: number): number {
    const sorted = this.last(window).sort((a, b) => a - b);
    return sorted.length === 0 ? Number.NaN : sorted[(sorted.length - 1) >> 1]!;
  }

  /** Mean of the last `window` values. */
  avg(window: number): number {
    const last = this.last(window);
    return last.length === 0 ? Number.NaN : last.reduce((a, b) => a + b, 0) / last.length;
  }

  /** Mean of every value put. */
  globalAvg(): number {
    return this.count === 0 ? Number.NaN : this.total / this.count;
  }

  /** The values kept, oldest first, each with its iteration. */
  history(): readonly (readonly [value: number, iteration: number])[] {
    return this.values;
  }

  private last(window: number): number[] {
    return this.values.slice(-window).map(([v]) => v);
  }
}
