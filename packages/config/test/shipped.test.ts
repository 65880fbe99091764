import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, SHIPPED_CONFIG_DIR, shippedConfigNames } from '../src';
import { resolveConfigFile } from '../src/shipped';

const CONFIGS = path.resolve(__dirname, '../../../configs');

describe('shipped configs', () => {
  it('are the repository configs/, byte for byte, inside the package', () => {
    const files = readdirSync(CONFIGS).filter((f) => f.endsWith('.yaml'));
    expect(shippedConfigNames()).toEqual(files.map((f) => f.replace(/\.yaml$/, '')).sort());
    expect(shippedConfigNames()).toContain('quickstart_mobilenet_v2_ssdlite_shapes');
    for (const f of files) {
      expect(readFileSync(path.join(SHIPPED_CONFIG_DIR, f), 'utf8')).toBe(
        readFileSync(path.join(CONFIGS, f), 'utf8'),
      );
    }
    expect(path.relative(path.resolve(__dirname, '..'), SHIPPED_CONFIG_DIR)).toBe(
      path.join('dist', 'configs'),
    );
  });

  it.each(['vgg_ssd300_voc0712', 'vgg_ssd300_voc0712.yaml'])('load by the bare name %s', (name) => {
    expect(resolveConfigFile(name)).toBe(path.join(SHIPPED_CONFIG_DIR, 'vgg_ssd300_voc0712.yaml'));
    expect(loadConfig(name, ['SOLVER.LR', '0.01'])).toEqual(
      loadConfig(path.join(CONFIGS, 'vgg_ssd300_voc0712.yaml'), ['SOLVER.LR', '0.01']),
    );
  });

  it('lose to a file of the same name that exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssd-shipped-'));
    writeFileSync(path.join(dir, 'vgg_ssd300_voc0712.yaml'), 'SOLVER:\n  LR: 0.5\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(resolveConfigFile('vgg_ssd300_voc0712.yaml')).toBe('vgg_ssd300_voc0712.yaml');
      expect(loadConfig('vgg_ssd300_voc0712.yaml').SOLVER.LR).toBe(0.5);
      // Without the extension the local file is not named: the shipped one is.
      expect(loadConfig('vgg_ssd300_voc0712').MODEL.BACKBONE.NAME).toBe('vgg');
    } finally {
      process.chdir(cwd);
    }
  });

  it('an unknown name is an error listing the shipped names', () => {
    expect(() => loadConfig('vgg_ssd999_voc0712')).toThrow(ConfigError);
    expect(() => loadConfig('vgg_ssd999_voc0712')).toThrow(
      /^vgg_ssd999_voc0712: config file not found: no such file, nor a shipped config of that name; shipped: .*mobilenet_v2_ssd320_voc0712, .*vgg_ssd300_voc0712/,
    );
  });

  it('a missing path is never replaced by the shipped config of its file name; the error says how to use it', () => {
    const missing = path.join('elsewhere', 'configs', 'vgg_ssd300_voc0712.yaml');
    expect(() => resolveConfigFile(missing)).toThrow(
      `${missing}: config file not found: a config named 'vgg_ssd300_voc0712' ships with @ssd/config: pass the bare name 'vgg_ssd300_voc0712' to use it`,
    );
  });
});
