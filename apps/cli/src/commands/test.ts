import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { Checkpointer, loadDetector } from '@ssd/engine';
import { Command } from 'commander';
import { addCoordinatorOptions, type CoordinatorOptions } from '../distributed/coordinator';
import { runEvaluation } from '../distributed/dataset-inference';
import { runDistributedEvaluation } from '../distributed/evaluate';
import { checkComponentsRegistered } from '../registered';
import { CONFIG_FILE_HELP } from './options';

/** `ssd test --config-file F [--ckpt C --output_dir D] [KEY VALUE …]`: evaluates every DATASETS.TEST. */
export function testCommand(): Command {
  const command = new Command('test')
    .description('evaluate a checkpoint on every DATASETS.TEST (metrics in OUTPUT_DIR/inference/<dataset>)')
    .requiredOption('--config-file <file>', CONFIG_FILE_HELP)
    .option(
      '--ckpt <checkpoint>',
      'checkpoint (ours, a reference .pth, an exported .onnx, a URL or a model zoo name); default: OUTPUT_DIR/last_checkpoint',
    )
    .option(
      '--output_dir <dir>',
      'where the results go: <dir>/<dataset>/metrics.json (default: OUTPUT_DIR/inference)',
    )
    .argument('[overrides...]', 'KEY VALUE config overrides');
  return addCoordinatorOptions(command).action(
    async (
      overrides: string[],
      opts: CoordinatorOptions & { configFile: string; ckpt?: string; output_dir?: string },
    ) => {
      const cfg = loadConfig(opts.configFile, overrides);
      checkComponentsRegistered(cfg);
      if (cfg.DATASETS.TEST.length === 0) throw new Error('DATASETS.TEST is empty: nothing to evaluate');
      const ckpt = opts.ckpt ?? new Checkpointer(cfg.OUTPUT_DIR).lastCheckpoint();
      if (!ckpt) {
        throw new Error(
          `no checkpoint: pass --ckpt, or train first so that ${path.join(cfg.OUTPUT_DIR, 'last_checkpoint')} exists`,
        );
      }
      const outputDir = opts.output_dir ?? path.join(cfg.OUTPUT_DIR, 'inference');
      if (opts.redis) {
        await runDistributedEvaluation(cfg, ckpt, outputDir, { ...opts, redis: opts.redis });
      } else {
        const { model, file } = await loadDetector(cfg, ckpt);
        try {
          console.log(`Loaded ${file}`);
          await runEvaluation(model, cfg, { outputDir });
        } finally {
          model.dispose();
        }
      }
      console.log(`Metrics written under ${outputDir}`);
    },
  );
}
