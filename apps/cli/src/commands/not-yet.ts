import { Command } from 'commander';

/** A command that DESIGN.md promises but whose issue has not landed yet: says so and exits non-zero. */
export function notYet(name: string, description: string, usage: string): Command {
  return new Command(name)
    .description(`${description} (not implemented yet)`)
    .usage(usage)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new Error(`not supported: 'ssd ${name}' is not implemented yet`);
    });
}
