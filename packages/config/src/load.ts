import { defaultConfig } from './defaults';
import { freeze } from './freeze';
import { mergeFromFile, mergeFromList } from './merge';
import type { SSDConfig } from './schema';

/** Defaults, then the YAML file (if any), then `KEY VALUE` overrides; frozen. */
export function loadConfig(file?: string, overrides: readonly string[] = []): Readonly<SSDConfig> {
  const cfg = defaultConfig();
  if (file) mergeFromFile(cfg, file);
  mergeFromList(cfg, overrides);
  return freeze(cfg);
}
