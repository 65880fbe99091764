/** Config files on disk (Node): read, then merged as YAML text. The browser's variant is merge-file.browser.ts. */
import { InputFileError, readInputFile } from '@ssd/files';
import { ConfigError } from './errors';
import { mergeFromYaml } from './merge';
import type { SSDConfig } from './schema';
import { resolveConfigFile } from './shipped';

/** The largest config file read: the reference's are 1–2 KB, and a config with its own data sets a few more. */
export const MAX_CONFIG_BYTES = 2 ** 20;

/** The config file's text: a regular file (not a FIFO, device or folder) of at most MAX_CONFIG_BYTES. */
function readConfigText(file: string): string {
  try {
    return readInputFile(file, { maxBytes: MAX_CONFIG_BYTES, what: 'config file' }).toString('utf8');
  } catch (e) {
    const reason = e instanceof InputFileError ? e.reason : (e as Error).message;
    throw new ConfigError(`cannot read config file: it ${reason}`, undefined, file);
  }
}

/** Merges a YAML config file into `cfg` (in place) and returns it; errors name the file and key. */
export function mergeFromFile(cfg: SSDConfig, file: string): SSDConfig {
  return mergeFromYaml(cfg, readConfigText(file), file);
}

/** Merges the config `nameOrPath` names: a path that exists, or the name of a shipped config. */
export function mergeConfigFile(cfg: SSDConfig, nameOrPath: string): SSDConfig {
  return mergeFromFile(cfg, resolveConfigFile(nameOrPath));
}
