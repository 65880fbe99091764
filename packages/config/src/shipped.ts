import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors';

const EXTENSION = '.yaml';

/**
 * The configs this package ships (the repository's configs/, copied at build). Resolved from the package
 * root so that the compiled code (dist/) and the sources under test (src/) find the same folder.
 */
export const SHIPPED_CONFIG_DIR = path.resolve(__dirname, '..', 'dist', 'configs');

/** The names of the shipped configs (`vgg_ssd300_voc0712`, …), sorted. */
export function shippedConfigNames(): string[] {
  let files: string[];
  try {
    files = readdirSync(SHIPPED_CONFIG_DIR);
  } catch (e) {
    throw new ConfigError(
      `the shipped configs are missing (${(e as Error).message}); build @ssd/config or reinstall it`,
    );
  }
  return files
    .filter((f) => f.endsWith(EXTENSION))
    .map((f) => f.slice(0, -EXTENSION.length))
    .sort();
}

/**
 * The file a config argument names: a path that exists, as given; else a bare name of a shipped config
 * (`vgg_ssd300_voc0712`, with or without `.yaml`). Anything else is an error listing the shipped names.
 */
export function resolveConfigFile(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  const name = path.basename(nameOrPath).replace(/\.yaml$/, '');
  const names = shippedConfigNames();
  const shipped = names.includes(name);
  const bare = path.basename(nameOrPath) === nameOrPath;
  if (bare && shipped) return path.join(SHIPPED_CONFIG_DIR, `${name}${EXTENSION}`);
  // A path is never swapped for a shipped file behind the user's back; the message says how to use one.
  const hint = shipped
    ? `a config named '${name}' ships with @ssd/config: pass the bare name '${name}' to use it`
    : `no such file, nor a shipped config of that name; shipped: ${names.join(', ')}`;
  throw new ConfigError(`config file not found: ${hint}`, undefined, nameOrPath);
}
