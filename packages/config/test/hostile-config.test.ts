import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBounded } from '@ssd-test/kit';
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

describe('hostile config files: size, kind and parse time', () => {
  const LOAD = path.join(__dirname, '../src/load.ts');

  /**
   * loadConfig(file) in a child process with 256 MiB of heap: its message, once it ends within `ms` (the child's
   * start on a loaded machine included; the quadratic parse took minutes).
   */
  async function boundedRefusal(file: string, ms: number): Promise<string> {
    const run = await runBounded(LOAD, 'loadConfig', [file], { heapMb: 256, timeoutMs: ms });
    expect(run).toEqual(expect.objectContaining({ error: expect.any(String) }));
    expect(run.outOfMemory).toBeUndefined();
    expect(run.timedOut).toBeUndefined();
    return run.error!;
  }

  it('refuses 80 000 keys (~700 KB) in linear time, naming the file and the first unknown key', async () => {
    // The yaml library's own duplicate-key check compares every key with every other: minutes here.
    const keys = Array.from({ length: 80_000 }, (_, i) => `k${i}: 0`).join('\n');
    const file = yamlFile(`${keys}\n`);
    expect(await boundedRefusal(file, 60_000)).toBe(`${file}: unknown config key 'k0'`);
  });

  it('still finds a duplicate key among 80 000, in linear time, naming it and its line', async () => {
    const keys = Array.from({ length: 80_000 }, (_, i) => `k${i}: 0`);
    keys.push('k17: 1');
    const file = yamlFile(`${keys.join('\n')}\n`);
    expect(await boundedRefusal(file, 60_000)).toBe(
      `${file}: malformed YAML at line 80001: the key 'k17' appears twice in one mapping`,
    );
  });

  it('names a duplicate key and its line', () => {
    const file = yamlFile('SOLVER:\n  LR: 0.1\n  MAX_ITER: 3\n  LR: 0.2\n');
    expect(refusal(() => loadConfig(file)).message).toBe(
      `${file}: malformed YAML at line 4: the key 'LR' appears twice in one mapping`,
    );
  });

  it.each([
    [
      '100 000 catalog entries (5 MB)',
      () =>
        `DATASETS:\n  CATALOG:\n${Array.from({ length: 100_000 }, (_, i) => `    d${i}: { FORMAT: voc, DATA_DIR: d, SPLIT: s }\n`).join('')}`,
    ],
    ['a 20 MB flow sequence', () => `SOLVER:\n  LR_STEPS: [${'1, '.repeat(7_000_000)}1]\n`],
  ])('refuses %s by its size, unread', (_, make) => {
    const file = yamlFile(make());
    const e = refusal(() => loadConfig(file));
    expect(e.message).toMatch(
      new RegExp(
        `^${file}: cannot read config file: it is \\d+ bytes, more than the 1048576 allowed for a config file$`,
      ),
    );
  });

  it.each([
    ['/dev/zero', () => '/dev/zero', 'a character device'],
    ['a folder', () => tmp, 'a folder'],
    [
      'a FIFO',
      () => {
        const fifo = path.join(tmp, 'fifo.yaml');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      'a FIFO (named pipe)',
    ],
  ])('refuses %s as --config-file at once, naming it', (_, make, kind) => {
    const file = make();
    expect(refusal(() => loadConfig(file)).message).toBe(
      `${file}: cannot read config file: it is ${kind}, not a regular file`,
    );
  });

  it('cuts a 500 KB key and value in its messages', () => {
    const long = 'K'.repeat(500_000);
    const key = refusal(() => loadConfig(yamlFile(`? ${long}\n: 1\n`))).message;
    expect(key.length).toBeLessThan(400);
    expect(key).toContain(`unknown config key '${'K'.repeat(200)}… (500000 characters)'`);
    const value = refusal(() => loadConfig(yamlFile(`SOLVER:\n  LR: ${'x'.repeat(500_000)}\n`))).message;
    expect(value.length).toBeLessThan(600);
    expect(value).toContain("invalid value for 'SOLVER.LR'");
  });
});
