import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { backendCommand } from './commands/backend';
import { configCommand } from './commands/config';
import { datasetCommand } from './commands/dataset';
import { demoCommand } from './commands/demo';
import { exportCommand } from './commands/export';
import { modelsCommand } from './commands/models';
import { plotCommand } from './commands/plot';
import { quickstartCommand } from './commands/quickstart';
import { serveCommand } from './commands/serve';
import { testCommand } from './commands/test';
import { trainCommand } from './commands/train';
import { workerCommand } from './commands/worker';
import { normalizeOptionSpelling } from './option-spelling';

/** Loads a plugin module the way `node --require` would, from the working directory. */
function loadPlugin(name: string): void {
  let resolved: string;
  try {
    resolved = require.resolve(name, { paths: [process.cwd()] });
  } catch {
    throw new Error(`--require ${name}: module not found from ${process.cwd()}`);
  }
  require(resolved);
}

/** The version of this package (@ssd/cli), from its package.json: one level above both src/ and dist/. */
function cliVersion(): string {
  const file = path.join(__dirname, '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Builds the `ssd` program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('ssd')
    .description('SSD object detection for Node.js: train, evaluate and run detectors')
    .version(cliVersion(), '-V, --version', 'print the version of the ssd command (@ssd/cli)')
    .option(
      '--require <module>',
      'load a module first (e.g. a package that registers its own backbone), resolved from the working directory; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', (cmd) => {
      for (const name of cmd.opts().require as string[]) loadPlugin(name);
    });
  for (const command of [
    trainCommand(),
    testCommand(),
    demoCommand(),
    exportCommand(),
    serveCommand(),
    configCommand(),
    datasetCommand(),
    plotCommand(),
    quickstartCommand(),
    backendCommand(),
    modelsCommand(),
    workerCommand(),
  ]) {
    program.addCommand(command);
  }
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
    await program.parseAsync(normalizeOptionSpelling(program, argv), { from: 'user' });
    return 0;
  } catch (e) {
    // Commander has already printed its message (unknown option, missing argument, --help, --version).
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
}
