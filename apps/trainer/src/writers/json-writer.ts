import type { MetricsFile } from '../metrics/metrics-file';
import { Hook, type TrainContext } from '../trainer/hook';
import { etaSeconds, isLogStep, memoryMb } from './console-writer';

/** Values a window median smooths, as in the console line. */
const WINDOW = 20;

/**
 * Writes the event storage to the metrics file (detectron2's JSONWriter): every `period` iterations a `train`
 * line (losses raw and smoothed, learning rate, median step and data times, ETA, memory), and an `eval` line
 * for each evaluation put since the last write. On start it drops the lines a resumed run will write again.
 */
export class JsonWriter extends Hook {
  private written = 0;

  constructor(
    private readonly file: MetricsFile,
    private readonly period: number,
  ) {
    super();
  }

  override beforeTrain(ctx: TrainContext): void {
    this.file.resumeAt(ctx.startIter);
    this.written = ctx.storage.evaluations().length;
  }

  override afterStep(ctx: TrainContext): void {
    if (isLogStep(ctx, this.period)) {
      const s = ctx.storage;
      const latest = (name: string) => s.history(name).latest();
      const median = (name: string) => s.history(name).median(WINDOW);
      this.file.append({
        type: 'train',
        iter: ctx.iter,
        lr: latest('lr'),
        loss: latest('loss'),
        reg_loss: latest('reg_loss'),
        cls_loss: latest('cls_loss'),
        loss_avg: median('loss'),
        reg_loss_avg: median('reg_loss'),
        cls_loss_avg: median('cls_loss'),
        time: median('time'),
        data_time: median('data_time'),
        eta_s: Math.round(etaSeconds(ctx)),
        mem_mb: Math.round(memoryMb().process),
      });
    }
    this.writeEvaluations(ctx);
  }

  override afterTrain(ctx: TrainContext): void {
    this.writeEvaluations(ctx);
  }

  private writeEvaluations(ctx: TrainContext): void {
    const evaluations = ctx.storage.evaluations();
    for (const { iteration, dataset, metrics } of evaluations.slice(this.written)) {
      this.file.append({ type: 'eval', iter: iteration, dataset, ...metrics });
    }
    this.written = evaluations.length;
  }
}
