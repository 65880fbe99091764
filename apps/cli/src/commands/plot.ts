import path from 'node:path';
import { METRICS_FILE, plotMetricsFile } from '@ssd/trainer';
import { Command } from 'commander';

/** `ssd plot OUTPUT_DIR`: images of the losses, learning rate and mAP from OUTPUT_DIR/metrics.jsonl. */
export function plotCommand(): Command {
  return new Command('plot')
    .description('plot training curves (loss, lr, mAP) from OUTPUT_DIR/metrics.jsonl into OUTPUT_DIR/plots')
    .argument('<output_dir>', 'a training OUTPUT_DIR')
    .action(async (outputDir: string) => {
      const files = await plotMetricsFile(
        path.join(outputDir, METRICS_FILE),
        path.join(outputDir, 'plots'),
        (w) => console.warn(w),
      );
      for (const f of files) console.log(f);
    });
}
