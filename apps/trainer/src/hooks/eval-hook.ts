import type { EvaluationResult } from '@ssd/eval';
import type { SSDDetector } from '@ssd/modeling';
import { Hook, type TrainContext } from '../trainer/hook';

/** Evaluates the model: results by data set name (`runEvaluation` of @ssd/inference, say). */
export type EvaluateFn = (
  model: SSDDetector,
  log: (line: string) => void,
) => Promise<Readonly<Record<string, EvaluationResult>>>;

/** Options of EvalHook. */
export interface EvalHookOptions {
  /** Evaluate every this many iterations; 0: only at the end. */
  period: number;
  /** Whether to evaluate when training finishes (the reference's `--skip-test` turns it off). */
  atEnd?: boolean;
  evaluate: EvaluateFn;
}

/**
 * Evaluates every `period` iterations and (unless `atEnd` is false) when training finishes, and puts each data
 * set's metrics into the event storage for the writers.
 */
export class EvalHook extends Hook {
  constructor(private readonly options: EvalHookOptions) {
    super();
  }

  override async afterStep(ctx: TrainContext): Promise<void> {
    const { period } = this.options;
    if (period > 0 && ctx.iter % period === 0 && ctx.iter !== ctx.maxIter) await this.evaluate(ctx);
  }

  override async afterTrain(ctx: TrainContext): Promise<void> {
    if (ctx.finished && (this.options.atEnd ?? true)) await this.evaluate(ctx);
  }

  private async evaluate(ctx: TrainContext): Promise<void> {
    const results = await this.options.evaluate(ctx.model, (line) => ctx.log(line));
    for (const [dataset, { metrics }] of Object.entries(results)) ctx.storage.putEvaluation(dataset, metrics);
  }
}
