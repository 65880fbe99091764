import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { Checkpointer, loadDetector } from '@ssd/engine';
import { runEvaluation } from '@ssd/inference';
import { Command } from 'commander';
import { checkComponentsRegistered } from '../registered';
import { CONFIG_FILE_HELP } from './options';

/** `ssd test --config-file F [--ckpt C --output_dir D] [KEY VALUE …]`: evaluates every DATASETS.TEST. */
export function testCommand(): Command {
  return new Command('test')
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
    .argument('[overrides...]', 'KEY VALUE config overrides')
    .action(async (overrides: string[], opts: { configFile: string; ckpt?: string; output_dir?: string }) => {
      const cfg = loadConfig(opts.configFile, overrides);
      checkComponentsRegistered(cfg);
      if (cfg.DATASETS.TEST.length === 0) throw new Error('DATASETS.TEST is empty: nothing to evaluate');
      const ckpt = opts.ckpt ?? new Checkpointer(cfg.OUTPUT_DIR).lastCheckpoint();
      if (!ckpt) {
        throw new Error(
          `no checkpoint: pass --ckpt, or train first so that ${path.join(cfg.OUTPUT_DIR, 'last_checkpoint')} exists`,
        );
      }
      const { model, file } = await loadDetector(cfg, ckpt);
      try {
        console.log(`Loaded ${file}`);
        const outputDir = opts.output_dir ?? path.join(cfg.OUTPUT_DIR, 'inference');
        await runEvaluation(model, cfg, { outputDir });
        console.log(`Metrics written under ${outputDir}`);
      } finally {
        model.dispose();
      }
    });
}
