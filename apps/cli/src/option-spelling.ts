import type { Command, Option } from 'commander';

/** An option name with `_` and `-` made the same: `log_step` and `log-step` both give `log-step`. */
const key = (name: string) => name.replace(/_/g, '-');

/** The option of `command` (or of a command above it) whose long name is `name` up to `-` versus `_`. */
function findOption(command: Command | null, name: string): Option | undefined {
  for (let c = command; c; c = c.parent) {
    const option = c.options.find((o) => o.long !== undefined && key(o.long.slice(2)) === key(name));
    if (option) return option;
  }
  return undefined;
}

/**
 * Rewrites each `--name` (or `--name=value`) of `argv` that differs from an option of the command it is
 * given to only in `-` versus `_` to the declared spelling, so that `--log-step` means `--log_step` and
 * `--config_file` means `--config-file` (the reference mixes both styles). Option values and everything
 * after `--` are left alone; a name no command declares stays as typed, for commander's error.
 */
export function normalizeOptionSpelling(program: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  let command = program;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const option = findOption(command, arg.slice(2, eq === -1 ? undefined : eq));
      if (!option?.long) {
        out.push(arg);
        continue;
      }
      out.push(eq === -1 ? option.long : `${option.long}${arg.slice(eq)}`);
      // The next argument is this option's value, whatever it looks like.
      if (eq === -1 && option.required && i + 1 < argv.length) out.push(argv[++i]!);
      continue;
    }
    out.push(arg);
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub && !arg.startsWith('-')) command = sub;
  }
  return out;
}
