/** Config "files" in a page: the shipped configs, bundled as text (a page has no file system to read). */
import { ConfigError } from './errors';
import { mergeFromYaml } from './merge';
import type { SSDConfig } from './schema';
import { shippedConfigText } from './shipped.browser';

/** Not in a browser: a page has no file system. */
export function mergeFromFile(_cfg: SSDConfig, file: string): SSDConfig {
  throw new ConfigError(
    'not supported in the browser: reading a config file (pass the name of a shipped config, or merge YAML text with mergeFromYaml)',
    undefined,
    file,
  );
}

/** Merges the shipped config `name` (`vgg_ssd300_voc0712`, with or without `.yaml`). */
export function mergeConfigFile(cfg: SSDConfig, name: string): SSDConfig {
  const { text, file } = shippedConfigText(name);
  return mergeFromYaml(cfg, text, file);
}
