import path from 'node:path';
import { dumpConfig, type SSDConfig } from '@ssd/config';
import type { Progress } from '@ssd/engine';
import { runEvaluation } from '@ssd/inference';
import { METRICS_FILE, MetricsFile } from '../metrics/metrics-file';
import type { Hook } from '../trainer/hook';
import { ConsoleWriter } from '../writers/console-writer';
import { JsonWriter } from '../writers/json-writer';
import { PlotWriter } from '../writers/plot-writer';
import { CheckpointHook } from './checkpoint-hook';
import { EvalHook } from './eval-hook';

/** Options of `defaultHooks`: `ssd train`'s `--log_step`, `--save_step`, `--eval_step` and `--skip-test`. */
export interface DefaultHooksOptions {
  /** Log every this many iterations (reference default 10). */
  logStep?: number;
  /** Checkpoint every this many iterations (reference default 2500); 0: only at the end. */
  saveStep?: number;
  /** Evaluate on DATASETS.TEST every this many iterations (reference default 2500); 0: only at the end. */
  evalStep?: number;
  /** No evaluation at the end of training (the reference's `--skip-test`); `evalStep`'s still run. */
  skipTest?: boolean;
  /** A progress display the console writer updates every step. */
  progress?: Progress;
}

/**
 * The hooks `train` runs, in order: the console writer, checkpoints into the trainer's checkpointer, evaluation
 * on DATASETS.TEST (metrics under OUTPUT_DIR/inference), the `metrics.jsonl` writer and, at the end, the plots
 * (OUTPUT_DIR/plots). Filter or extend the list (`train`'s `hooks` option takes a function of it).
 */
export function defaultHooks(cfg: SSDConfig, options: DefaultHooksOptions = {}): Hook[] {
  const logStep = options.logStep ?? 10;
  const metricsFile = path.join(cfg.OUTPUT_DIR, METRICS_FILE);
  return [
    new ConsoleWriter(logStep, options.progress),
    new CheckpointHook({ period: options.saveStep ?? 2500, config: dumpConfig(cfg) }),
    new EvalHook({
      period: options.evalStep ?? 2500,
      atEnd: !options.skipTest,
      evaluate: (model, log) =>
        runEvaluation(model, cfg, {
          outputDir: path.join(cfg.OUTPUT_DIR, 'inference'),
          log,
          progress: false,
        }),
    }),
    new JsonWriter(new MetricsFile(metricsFile), logStep),
    new PlotWriter(metricsFile, path.join(cfg.OUTPUT_DIR, 'plots')),
  ];
}
