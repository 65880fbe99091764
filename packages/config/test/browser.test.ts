/**
 * @ssd/config's browser modules, run here in Node: the shipped configs bundled as text are the repository's
 * configs/, load by name to what Node loads from the files, and anything else is refused naming the shipped ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIGS_DIR } from '@ssd-test/kit';
import { ConfigError, defaultConfig, loadConfig } from '../src';
import { mergeConfigFile, mergeFromFile } from '../src/merge-file.browser';
import { shippedConfigNames, shippedConfigText } from '../src/shipped.browser';
import { claimSingleCopy } from '../src/single-copy.browser';

describe('the shipped configs in a page', () => {
  const files = readdirSync(CONFIGS_DIR).filter((f) => f.endsWith('.yaml'));

  it('are the repository configs/, as text, under their names', () => {
    expect(shippedConfigNames()).toEqual(files.map((f) => f.replace(/\.yaml$/, '')).sort());
    for (const f of files) {
      expect(shippedConfigText(f)).toEqual({
        text: readFileSync(path.join(CONFIGS_DIR, f), 'utf8'),
        file: f,
      });
    }
  });

  it.each(['vgg_ssd300_voc0712', 'mobilenet_v2_ssd320_voc0712.yaml'])(
    'load by the name %s as Node loads the file',
    (name) => {
      const file = path.join(CONFIGS_DIR, name.endsWith('.yaml') ? name : `${name}.yaml`);
      expect(mergeConfigFile(defaultConfig(), name)).toEqual({ ...loadConfig(file) });
    },
  );

  it('refuse a path or an unknown name, listing the shipped names', () => {
    for (const name of ['configs/vgg_ssd300_voc0712.yaml', 'vgg_ssd999_voc0712']) {
      expect(() => mergeConfigFile(defaultConfig(), name)).toThrow(ConfigError);
      expect(() => mergeConfigFile(defaultConfig(), name)).toThrow(
        new RegExp(
          `^${name.replace(/[.]/g, '\\.')}: config not found: in the browser only the shipped configs load by name \\(.*mobilenet_v2_ssd320_voc0712, .*vgg_ssd300_voc0712`,
        ),
      );
    }
    expect(() => mergeFromFile(defaultConfig(), 'my.yaml')).toThrow(
      'my.yaml: not supported in the browser: reading a config file (pass the name of a shipped config, or merge YAML text with mergeFromYaml)',
    );
  });

  it('keep the single-copy guard: a second build of a package is refused by name', () => {
    const name = `@ssd-test/copies-${process.pid}`;
    claimSingleCopy(name, 'an ES module build (copy a)');
    expect(() => claimSingleCopy(name, 'an ES module build (copy a)')).not.toThrow();
    expect(() => claimSingleCopy(name, 'an ES module build (copy b)')).toThrow(
      `${name} is installed twice and both copies were loaded: an ES module build (copy a) (?, loaded first) and an ES module build (copy b) (?)`,
    );
  });
});
