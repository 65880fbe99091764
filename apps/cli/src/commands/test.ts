import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { Checkpointer, initBackend, loadWeights, resolveCheckpoint, runEvaluation } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { Command } from 'commander';

/** `ssd test --config-file F [--ckpt C] [KEY VALUE …]`: evaluates every DATASETS.TEST. */
export function testCommand(): Command {
  return new Command('test')
    .description('evaluate a checkpoint on every DATASETS.TEST (metrics in OUTPUT_DIR/inference/<dataset>)')
    .requiredOption('--config-file <file>', 'YAML config file')
    .option(
      '--ckpt <checkpoint>',
      'checkpoint (ours, a reference .pth, a URL or a model zoo name); default: OUTPUT_DIR/last_checkpoint',
    )
    .argument('[overrides...]', 'KEY VALUE config overrides')
    .action(async (overrides: string[], opts: { configFile: string; ckpt?: string }) => {
      const cfg = structuredClone(loadConfig(opts.configFile, overrides));
      if (cfg.DATASETS.TEST.length === 0) throw new Error('DATASETS.TEST is empty: nothing to evaluate');
      const ckpt = opts.ckpt ?? new Checkpointer(cfg.OUTPUT_DIR).lastCheckpoint();
      if (!ckpt) {
        throw new Error(
          `no checkpoint: pass --ckpt, or train first so that ${path.join(cfg.OUTPUT_DIR, 'last_checkpoint')} exists`,
        );
      }
      await initBackend(cfg.MODEL.DEVICE);
      const file = await resolveCheckpoint(ckpt);
      const model = buildDetectionModel(cfg);
      try {
        loadWeights(model, file);
        console.log(`Loaded ${file}`);
        await runEvaluation(model, cfg);
        console.log(`Metrics written under ${path.join(cfg.OUTPUT_DIR, 'inference')}`);
      } finally {
        model.dispose();
      }
    });
}
