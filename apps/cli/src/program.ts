import { Command, CommanderError } from 'commander';
import { backendCommand } from './commands/backend';
import { configCommand } from './commands/config';
import { notYet } from './commands/not-yet';

/** Builds the `ssd` program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('ssd')
    .description('SSD object detection for Node.js: train, evaluate and run detectors')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(configCommand());
  program.addCommand(backendCommand());
  program.addCommand(
    notYet(
      'train',
      'train a detector (resumable)',
      '--config-file F [--log_step N --save_step N --eval_step N]',
    ),
  );
  program.addCommand(
    notYet('test', 'evaluate a checkpoint on every DATASETS.TEST', '--config-file F [--ckpt C]'),
  );
  program.addCommand(
    notYet('demo', 'detect objects in a folder of images', '--config-file F --ckpt C --images_dir D'),
  );
  program.addCommand(
    notYet('dataset', 'write the built-in synthetic data set', 'shapes OUT [--train N --test M]'),
  );
  return program;
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    // Commander has already printed its message (unknown option, missing argument, --help).
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
}
