import { dumpConfig, loadConfig } from '@ssd/config';
import { Command } from 'commander';
import { CONFIG_FILE_HELP } from './options';

/** `ssd config --config-file F [KEY VALUE …]`: prints the merged config. */
export function configCommand(): Command {
  return new Command('config')
    .description('print the merged config (defaults, then the file, then KEY VALUE overrides)')
    .option('--config-file <file>', CONFIG_FILE_HELP)
    .argument('[overrides...]', 'KEY VALUE pairs, e.g. SOLVER.LR 0.01')
    .action((overrides: string[], opts: { configFile?: string }) => {
      process.stdout.write(dumpConfig(loadConfig(opts.configFile, overrides)));
    });
}
