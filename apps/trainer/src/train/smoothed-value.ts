/** A series tracked over a window (median for logs) and over the whole run (global average). */
export class SmoothedValue {
  private readonly window: number[] = [];
  private total = 0;
  private count = 0;

  constructor(private readonly windowSize = 20) {}

  /** Adds one value. */
  update(value: number): void {
    this.window.push(value);
    if (this.window.length > this.windowSize) this.window.shift();
    this.total += value;
    this.count += 1;
  }

  /** The latest value. */
  get latest(): number {
    return this.window[this.window.length - 1] ?? Number.NaN;
  }

  /** Median over the window, as the reference's logger prints. */
  get median(): number {
    const sorted = [...this.window].sort((a, b) => a - b);
    return sorted.length === 0 ? Number.NaN : sorted[(sorted.length - 1) >> 1]!;
  }

  /** Mean over the window. */
  get average(): number {
    return this.window.length === 0
      ? Number.NaN
      : this.window.reduce((a, b) => a + b, 0) / this.window.length;
  }

  /** Mean over everything seen. */
  get globalAverage(): number {
    return this.count === 0 ? Number.NaN : this.total / this.count;
  }
}
