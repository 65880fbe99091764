import type { Metrics } from '@ssd/eval';
import { HistoryBuffer } from './history-buffer';

/** A data set's evaluation metrics and the iteration they were measured at. */
export interface EvaluationEvent {
  iteration: number;
  dataset: string;
  metrics: Metrics;
}

/**
 * What training measured, for the writers to read (detectron2's EventStorage): the loop and the hooks put
 * scalars (losses, learning rate, times) at the current iteration, each into its own history, and evaluation
 * results whole (their per-class values may be null). Writers decide what to show and when.
 */
export class EventStorage {
  /** The iteration scalars are put at: the one running, then the last one completed. */
  iter: number;
  private readonly scalars = new Map<string, HistoryBuffer>();
  private readonly smoothing = new Map<string, boolean>();
  private readonly evals: EvaluationEvent[] = [];

  constructor(startIter = 0) {
    this.iter = startIter;
  }

  /**
   * Puts a scalar at the current iteration. `smoothingHint`: whether a writer should show it smoothed over a
   * window (losses) rather than as it is (learning rate).
   */
  putScalar(name: string, value: number, { smoothingHint = true } = {}): void {
    let history = this.scalars.get(name);
    if (!history) {
      history = new HistoryBuffer();
      this.scalars.set(name, history);
      this.smoothing.set(name, smoothingHint);
    }
    history.update(value, this.iter);
  }

  /** Puts several scalars at the current iteration. */
  putScalars(values: Readonly<Record<string, number>>, options?: { smoothingHint?: boolean }): void {
    for (const [name, value] of Object.entries(values)) this.putScalar(name, value, options);
  }

  /** A scalar's history; throws naming the scalars there are when it was never put. */
  history(name: string): HistoryBuffer {
    const history = this.scalars.get(name);
    if (!history) {
      throw new Error(
        `no scalar '${name}' in the event storage (it has ${[...this.scalars.keys()].join(', ') || 'none'})`,
      );
    }
    return history;
  }

  /** Every scalar's history, by name, in the order they were first put. */
  histories(): ReadonlyMap<string, HistoryBuffer> {
    return this.scalars;
  }

  /**
   * Each scalar's latest value, or its median over the last `window` values where its smoothing hint says so,
   * with the iteration of its latest value.
   */
  latestWithSmoothingHint(window = 20): Map<string, { value: number; iteration: number }> {
    const out = new Map<string, { value: number; iteration: number }>();
    for (const [name, history] of this.scalars) {
      const value = this.smoothing.get(name) ? history.median(window) : history.latest();
      out.set(name, { value, iteration: history.latestIteration() });
    }
    return out;
  }

  /** Records a data set's evaluation metrics at the current iteration. */
  putEvaluation(dataset: string, metrics: Metrics): void {
    this.evals.push({ iteration: this.iter, dataset, metrics });
  }

  /** Every evaluation recorded, in order. */
  evaluations(): readonly EvaluationEvent[] {
    return this.evals;
  }
}
