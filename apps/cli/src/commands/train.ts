import { loadConfig } from '@ssd/config';
import { runTraining } from '@ssd/trainer';
import { Command } from 'commander';
import { checkComponentsRegistered } from '../registered';
import { CONFIG_FILE_HELP, positiveInt } from './options';

/** `ssd train --config-file F [--log_step N --save_step N --eval_step N --skip-test] [KEY VALUE …]`. */
export function trainCommand(): Command {
  return new Command('train')
    .description('train a detector; running it again resumes from OUTPUT_DIR/last_checkpoint')
    .requiredOption('--config-file <file>', CONFIG_FILE_HELP)
    .option('--log_step <n>', 'log every n iterations', positiveInt('--log_step'), 10)
    .option(
      '--save_step <n>',
      'save a checkpoint every n iterations (0: only at the end)',
      positiveInt('--save_step'),
      2500,
    )
    .option(
      '--eval_step <n>',
      'evaluate every n iterations (0: only at the end)',
      positiveInt('--eval_step'),
      2500,
    )
    .option('--skip-test', 'no evaluation at the end of training (the --eval_step ones still run)')
    .argument('[overrides...]', 'KEY VALUE config overrides, e.g. SOLVER.LR 0.01')
    .action(
      async (
        overrides: string[],
        opts: {
          configFile: string;
          log_step: number;
          save_step: number;
          eval_step: number;
          skipTest?: boolean;
        },
        command: Command,
      ) => {
        // Checked here, where `--require` is known, before the trainer loads data or a backend.
        checkComponentsRegistered(loadConfig(opts.configFile, overrides));
        await runTraining({
          configFile: opts.configFile,
          overrides,
          logStep: opts.log_step,
          saveStep: opts.save_step,
          evalStep: opts.eval_step,
          skipTest: opts.skipTest,
          // Training worker threads load the same plugins to build the same model.
          workerImports: command.optsWithGlobals().require as string[],
        });
      },
    );
}
