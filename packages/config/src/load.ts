import { defaultConfig } from './defaults';
import { freeze } from './freeze';
import { mergeFromList } from './merge';
import { mergeConfigFile } from './merge-file';
import type { SSDConfig } from './schema';

/**
 * Defaults, then the YAML file (if any: a path, or the name of a shipped config such as
 * `vgg_ssd300_voc0712`; in a browser, the name of a shipped config), then `KEY VALUE` overrides; frozen.
 */
export function loadConfig(file?: string, overrides: readonly string[] = []): Readonly<SSDConfig> {
  const cfg = defaultConfig();
  if (file) mergeConfigFile(cfg, file);
  mergeFromList(cfg, overrides);
  return freeze(cfg);
}
