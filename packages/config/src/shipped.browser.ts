/** The shipped configs in a page: the repository's configs/, bundled as text at build time (no file system). */
import { ConfigError } from './errors';
import { SHIPPED_CONFIGS } from './generated/shipped-configs';

const EXTENSION = '.yaml';

/** The names of the shipped configs (`vgg_ssd300_voc0712`, …), sorted. */
export function shippedConfigNames(): string[] {
  return Object.keys(SHIPPED_CONFIGS).sort();
}

/**
 * The YAML text of the shipped config `name` (with or without `.yaml`) and the file name it came from; any
 * other argument (a path: a page has no file system) is an error listing the shipped names.
 */
export function shippedConfigText(name: string): { text: string; file: string } {
  const bare = name.endsWith(EXTENSION) ? name.slice(0, -EXTENSION.length) : name;
  const text = Object.hasOwn(SHIPPED_CONFIGS, bare) ? SHIPPED_CONFIGS[bare] : undefined;
  if (text === undefined) {
    throw new ConfigError(
      `config not found: in the browser only the shipped configs load by name (${shippedConfigNames().join(', ')})`,
      undefined,
      name,
    );
  }
  return { text, file: `${bare}${EXTENSION}` };
}
