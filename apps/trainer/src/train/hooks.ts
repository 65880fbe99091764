import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { dumpConfig } from '@ssd/config';
import {
  type Checkpointer,
  createProgress,
  modelStateRecords,
  type Progress,
  type ProgressOptions,
} from '@ssd/engine';
import type { SSDDetector } from '@ssd/modeling';
import type { SGD, WarmupMultiStepLR } from '@ssd/solver';
import { plotTrainingCurves } from '@ssd/viz';
import * as tf from '@tensorflow/tfjs-core';
import { runEvaluation } from '../inference/evaluate';
import type { MetricsFile } from './metrics-file';
import { SmoothedValue } from './smoothed-value';

/** What every hook can reach during training. */
export interface TrainContext {
  readonly cfg: SSDConfig;
  readonly model: SSDDetector;
  readonly optimizer: SGD;
  readonly scheduler: WarmupMultiStepLR;
  readonly checkpointer: Checkpointer;
  readonly metrics: MetricsFile;
  readonly startIter: number;
  readonly maxIter: number;
  /** Prints a line (above the progress bar on a terminal). */
  log(line: string): void;
}

/** What one training step produced. */
export interface StepInfo {
  /** 1-based iteration just completed. */
  iteration: number;
  /** The learning rate the step used. */
  lr: number;
  losses: { loss: number; reg_loss: number; cls_loss: number };
  /** Seconds the step took, data loading included. */
  time: number;
  /** Seconds spent waiting for the batch. */
  dataTime: number;
}

/** A piece of the training loop: logging, checkpointing, evaluation, … */
export interface TrainHook {
  afterStep?(ctx: TrainContext, step: StepInfo): void | Promise<void>;
  /** At the end: `iteration` reached; `finished` is false when training was interrupted. */
  afterTrain?(ctx: TrainContext, iteration: number, finished: boolean): void | Promise<void>;
}

/** Saves the model, optimizer, scheduler and iteration under `name`. */
export async function saveCheckpoint(ctx: TrainContext, name: string, iteration: number): Promise<string> {
  return ctx.checkpointer.save(name, {
    model: await modelStateRecords(ctx.model),
    optimizer: await ctx.optimizer.state(),
    scheduler: ctx.scheduler.state(),
    iteration,
    config: dumpConfig(ctx.cfg),
  });
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Every `logStep` iterations: a line with iteration, lr, each loss (current and smoothed), time per
 * iteration, ETA and memory, also appended to the metrics file; a progress bar on a terminal.
 */
export class LoggingHook implements TrainHook {
  private readonly meters = {
    loss: new SmoothedValue(),
    reg_loss: new SmoothedValue(),
    cls_loss: new SmoothedValue(),
    time: new SmoothedValue(),
    data: new SmoothedValue(),
  };
  private progress?: Progress;

  constructor(
    private readonly logStep: number,
    private readonly progressOptions: ProgressOptions | false = {},
  ) {}

  /** The progress display, created on first use so that its total is known. */
  bar(ctx: TrainContext): Progress | undefined {
    if (this.progressOptions === false) return undefined;
    this.progress ??= createProgress('train', ctx.maxIter, {
      ...this.progressOptions,
      // Without a terminal the log lines are the progress report.
      plainEvery: Number.POSITIVE_INFINITY,
    });
    return this.progress;
  }

  afterStep(ctx: TrainContext, step: StepInfo): void {
    const m = this.meters;
    m.loss.update(step.losses.loss);
    m.reg_loss.update(step.losses.reg_loss);
    m.cls_loss.update(step.losses.cls_loss);
    m.time.update(step.time);
    m.data.update(step.dataTime);
    const eta = m.time.globalAverage * (ctx.maxIter - step.iteration);
    this.bar(ctx)?.update(
      step.iteration,
      `loss ${m.loss.median.toFixed(3)} | lr ${step.lr.toExponential(2)}`,
    );
    if (step.iteration % this.logStep !== 0 && step.iteration !== ctx.maxIter) return;
    const memMb = process.memoryUsage().rss / 2 ** 20;
    const tensorMb = tf.memory().numBytes / 2 ** 20;
    ctx.log(
      [
        `iter: ${String(step.iteration).padStart(6, '0')}`,
        `lr: ${step.lr.toFixed(6)}`,
        `total_loss: ${step.losses.loss.toFixed(3)} (${m.loss.median.toFixed(3)})`,
        `reg_loss: ${step.losses.reg_loss.toFixed(3)} (${m.reg_loss.median.toFixed(3)})`,
        `cls_loss: ${step.losses.cls_loss.toFixed(3)} (${m.cls_loss.median.toFixed(3)})`,
        `time: ${step.time.toFixed(3)} (${m.time.median.toFixed(3)})`,
        `data: ${step.dataTime.toFixed(3)}`,
        `eta: ${formatDuration(eta)}`,
        `mem: ${Math.round(memMb)}M (tensors ${Math.round(tensorMb)}M)`,
      ].join(', '),
    );
    ctx.metrics.append({
      type: 'train',
      iter: step.iteration,
      lr: step.lr,
      loss: step.losses.loss,
      reg_loss: step.losses.reg_loss,
      cls_loss: step.losses.cls_loss,
      loss_avg: m.loss.median,
      reg_loss_avg: m.reg_loss.median,
      cls_loss_avg: m.cls_loss.median,
      time: m.time.median,
      data_time: m.data.median,
      eta_s: Math.round(eta),
      mem_mb: Math.round(memMb),
    });
  }

  afterTrain(): void {
    this.progress?.stop();
  }
}

/** Every `saveStep` iterations, and at the end (`model_final`, or `model_<iter>` when interrupted). */
export class CheckpointHook implements TrainHook {
  constructor(private readonly saveStep: number) {}

  async afterStep(ctx: TrainContext, step: StepInfo): Promise<void> {
    if (this.saveStep > 0 && step.iteration % this.saveStep === 0 && step.iteration !== ctx.maxIter) {
      const file = await saveCheckpoint(
        ctx,
        `model_${String(step.iteration).padStart(6, '0')}`,
        step.iteration,
      );
      ctx.log(`Saved checkpoint ${file}`);
    }
  }

  async afterTrain(ctx: TrainContext, iteration: number, finished: boolean): Promise<void> {
    const name = finished ? 'model_final' : `model_${String(iteration).padStart(6, '0')}`;
    const file = await saveCheckpoint(ctx, name, iteration);
    ctx.log(`Saved checkpoint ${file}`);
  }
}

/** Every `evalStep` iterations and (unless `atEnd` is false) at the end: evaluation on DATASETS.TEST, logged and recorded. */
export class EvalHook implements TrainHook {
  constructor(
    private readonly evalStep: number,
    private readonly atEnd = true,
  ) {}

  async afterStep(ctx: TrainContext, step: StepInfo): Promise<void> {
    if (this.evalStep > 0 && step.iteration % this.evalStep === 0 && step.iteration !== ctx.maxIter) {
      await this.evaluate(ctx, step.iteration);
    }
  }

  async afterTrain(ctx: TrainContext, iteration: number, finished: boolean): Promise<void> {
    if (finished && this.atEnd) await this.evaluate(ctx, iteration);
  }

  private async evaluate(ctx: TrainContext, iteration: number): Promise<void> {
    if (ctx.cfg.DATASETS.TEST.length === 0) return;
    const results = await runEvaluation(ctx.model, ctx.cfg, {
      outputDir: path.join(ctx.cfg.OUTPUT_DIR, 'inference'),
      log: (l) => ctx.log(l),
      progress: false,
    });
    for (const [dataset, { metrics }] of Object.entries(results)) {
      ctx.metrics.append({ type: 'eval', iter: iteration, dataset, ...metrics });
    }
  }
}

/** At the end of training: plots of the losses, learning rate and mAP in OUTPUT_DIR/plots. */
export class PlotHook implements TrainHook {
  async afterTrain(ctx: TrainContext): Promise<void> {
    try {
      const files = await plotTrainingCurves(ctx.metrics.file, path.join(ctx.cfg.OUTPUT_DIR, 'plots'), {
        warn: (w) => ctx.log(w),
      });
      ctx.log(`Training plots: ${files.join(', ')}`);
    } catch (e) {
      // A run too short to log anything has nothing to plot; that must not fail the training.
      ctx.log(`No training plots: ${(e as Error).message}`);
    }
  }
}
