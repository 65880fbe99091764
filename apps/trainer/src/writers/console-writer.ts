import type { Progress } from '@ssd/engine';
import * as tf from '@tensorflow/tfjs-core';
import { Hook, type TrainContext } from '../trainer/hook';

/** Values a window median smooths in the log line, as the reference's logger does. */
const WINDOW = 20;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Seconds left at the mean step time so far. */
export function etaSeconds(ctx: TrainContext): number {
  return ctx.storage.history('time').globalAvg() * (ctx.maxIter - ctx.iter);
}

/** The process's resident memory and the tensors' bytes, in MiB. */
export function memoryMb(): { process: number; tensors: number } {
  return { process: process.memoryUsage().rss / 2 ** 20, tensors: tf.memory().numBytes / 2 ** 20 };
}

/** Whether the iteration just done is one to log: every `period`-th, and the last. */
export function isLogStep(ctx: TrainContext, period: number): boolean {
  return ctx.iter % period === 0 || ctx.iter === ctx.maxIter;
}

/**
 * Writes the event storage to the console (detectron2's CommonMetricPrinter): every `period` iterations a
 * line with iteration, learning rate, each loss (current and median of the last 20), step time, data time,
 * ETA and memory; and, given a progress display, the smoothed loss and learning rate beside it every step.
 */
export class ConsoleWriter extends Hook {
  constructor(
    private readonly period: number,
    private readonly progress?: Progress,
  ) {
    super();
  }

  override afterStep(ctx: TrainContext): void {
    const s = ctx.storage;
    const lr = s.history('lr').latest();
    this.progress?.update(
      ctx.iter,
      `loss ${s.history('loss').median(WINDOW).toFixed(3)} | lr ${lr.toExponential(2)}`,
    );
    if (!isLogStep(ctx, this.period)) return;
    const value = (name: string) => {
      const h = s.history(name);
      return `${h.latest().toFixed(3)} (${h.median(WINDOW).toFixed(3)})`;
    };
    const memory = memoryMb();
    ctx.log(
      [
        `iter: ${String(ctx.iter).padStart(6, '0')}`,
        `lr: ${lr.toFixed(6)}`,
        `total_loss: ${value('loss')}`,
        `reg_loss: ${value('reg_loss')}`,
        `cls_loss: ${value('cls_loss')}`,
        `time: ${value('time')}`,
        `data: ${s.history('data_time').latest().toFixed(3)}`,
        `eta: ${formatDuration(etaSeconds(ctx))}`,
        `mem: ${Math.round(memory.process)}M (tensors ${Math.round(memory.tensors)}M)`,
      ].join(', '),
    );
  }

  override afterTrain(): void {
    this.progress?.stop();
  }
}
