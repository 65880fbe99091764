import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src';

// The hostile-input suite for configs: keys that name Object.prototype's members, prototype
// pollution, alias bombs. Each ends in a ConfigError naming the file and key, within a second.

const tmp = mkdtempSync(path.join(tmpdir(), 'ssd-hostile-config-'));

function yamlFile(text: string): string {
  const file = path.join(tmp, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

function refusal(load: () => unknown): ConfigError {
  const start = performance.now();
  try {
    load();
  } catch (e) {
    expect(performance.now() - start).toBeLessThan(1000);
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('hostile config keys', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'a YAML key %s is an unknown key, named',
    (key) => {
      for (const [text, name] of [
        [`${key}: 1\n`, key],
        [`MODEL:\n  ${key}: 1\n`, `MODEL.${key}`],
        [`MODEL:\n  BACKBONE:\n    ${key}: {}\n`, `MODEL.BACKBONE.${key}`],
      ] as const) {
        const file = yamlFile(text);
        const e = refusal(() => loadConfig(file));
        expect(e.message.startsWith(`${file}: unknown config key '${name}'`)).toBe(true);
        expect(e.key).toBe(name);
      }
    },
  );

  it.each(['constructor', 'SOLVER.toString', 'SOLVER.__proto__', '__proto__.polluted'])(
    'a command-line key %s is an unknown key, named',
    (key) => {
      const e = refusal(() => loadConfig(undefined, [key, '1']));
      expect(e.message).toMatch(
        /^unknown config key '(constructor|SOLVER\.toString|SOLVER\.__proto__|__proto__)'$/,
      );
    },
  );

  it('a __proto__ section neither pollutes Object.prototype nor passes silently', () => {
    const e = refusal(() =>
      loadConfig(yamlFile('__proto__:\n  polluted: 1\nMODEL:\n  __proto__: { NUM_CLASSES: 3 }\n')),
    );
    expect(e.message).toContain("unknown config key '__proto__'");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a data set called __proto__ is refused; one called toString is just a name', () => {
    const spec = '{ FORMAT: voc, DATA_DIR: d, SPLIT: s }';
    const e = refusal(() => loadConfig(yamlFile(`DATASETS:\n  CATALOG:\n    __proto__: ${spec}\n`)));
    expect(e.message).toContain("'DATASETS.CATALOG.__proto__' is not a usable data set name");
    const cfg = loadConfig(yamlFile(`DATASETS:\n  CATALOG:\n    toString: ${spec}\n`));
    expect(Object.keys(cfg.DATASETS.CATALOG)).toEqual(['toString']);
  });

  it('an alias bomb ("billion laughs") is refused at once, naming the file', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const file = yamlFile(`${lines.join('\n')}\nMODEL: *a11\n`);
    expect(refusal(() => loadConfig(file)).message).toMatch(
      new RegExp(`^${file}: unusable YAML: Excessive alias count`),
    );
  });

  it('a deeply nested value is a wrong type, named', () => {
    const file = yamlFile(`SOLVER:\n  LR: ${'['.repeat(500)}${']'.repeat(500)}\n`);
    expect(refusal(() => loadConfig(file)).message).toContain("invalid value for 'SOLVER.LR'");
  });
});
