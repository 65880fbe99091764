import { plotMetricsFile } from '../metrics/metrics-file';
import { Hook, type TrainContext } from '../trainer/hook';

/**
 * When training ends, plots the metrics file (this run's lines and those of the runs it resumed) into
 * `outDir`: loss.png, lr.png and, with evaluations, map.png. Put it after the JsonWriter, which writes the
 * final evaluation.
 */
export class PlotWriter extends Hook {
  constructor(
    private readonly metricsFile: string,
    private readonly outDir: string,
  ) {
    super();
  }

  override async afterTrain(ctx: TrainContext): Promise<void> {
    try {
      const files = await plotMetricsFile(this.metricsFile, this.outDir, (w) => ctx.log(w));
      ctx.log(`Training plots: ${files.join(', ')}`);
    } catch (e) {
      // A run too short to log anything has nothing to plot; that must not fail the training.
      ctx.log(`No training plots: ${(e as Error).message}`);
    }
  }
}
