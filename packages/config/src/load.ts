import { defaultConfig } from './defaults';
import { freeze } from './freeze';
import { mergeFromFile, mergeFromList } from './merge';
import type { SSDConfig } from './schema';
import { resolveConfigFile } from './shipped';

/**
 * Defaults, then the YAML file (if any: a path, or the name of a shipped config such as
 * `vgg_ssd300_voc0712`), then `KEY VALUE` overrides; frozen.
 */
export function loadConfig(file?: string, overrides: readonly string[] = []): Readonly<SSDConfig> {
  const cfg = defaultConfig();
  if (file) mergeFromFile(cfg, resolveConfigFile(file));
  mergeFromList(cfg, overrides);
  return freeze(cfg);
}
