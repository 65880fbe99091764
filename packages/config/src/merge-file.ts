/** Config files on disk (Node): read, then merged as YAML text. The browser's variant is merge-file.browser.ts. */
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors';
import { mergeFromYaml } from './merge';
import type { SSDConfig } from './schema';
import { resolveConfigFile } from './shipped';

/** Merges a YAML config file into `cfg` (in place) and returns it; errors name the file and key. */
export function mergeFromFile(cfg: SSDConfig, file: string): SSDConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file: ${(e as Error).message}`, undefined, file);
  }
  return mergeFromYaml(cfg, text, file);
}

/** Merges the config `nameOrPath` names: a path that exists, or the name of a shipped config. */
export function mergeConfigFile(cfg: SSDConfig, nameOrPath: string): SSDConfig {
  return mergeFromFile(cfg, resolveConfigFile(nameOrPath));
}
