/**
 * The inference set's published entry points: in Node, `import` and `require` load the one CommonJS build (the
 * registries stay one copy); for bundlers and browsers, each package's ES module build imports nothing but the
 * packages it declares, and no Node built-in.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGES = [
  '@ssd/config',
  '@ssd/files',
  '@ssd/boxes',
  '@ssd/random',
  '@ssd/image',
  '@ssd/modeling',
  '@ssd/kernels',
  '@ssd/engine',
  '@ssd/onnx',
];
/** The packages whose browser builds import other packages. */
const IMPORTING = ['@ssd/config', '@ssd/modeling', '@ssd/kernels', '@ssd/engine', '@ssd/onnx'];
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Each package's folder in the workspace. */
function packageDir(name: string): string {
  return path.join(ROOT, 'packages', name.replace('@ssd/', ''));
}

describe('the inference set in Node', () => {
  it('gives import and require the same module: the CommonJS build, with every export', () => {
    // A child process: jest's module system cannot run a native import().
    const script = `
      const { createRequire } = require('node:module');
      (async () => {
        const out = {};
        for (const [name, dir] of JSON.parse(process.argv[1])) {
          const required = createRequire(dir + '/package.json')(dir);
          const imported = await import(require('node:url').pathToFileURL(dir + '/dist/index.mjs').href);
          const missing = Object.keys(required).filter((k) => !(k in imported) || imported[k] !== required[k]);
          out[name] = { same: imported.default === required, missing };
        }
        process.stdout.write(JSON.stringify(out));
      })();`;
    const pairs = PACKAGES.map((name) => [name, packageDir(name)]);
    const result = JSON.parse(
      execFileSync(process.execPath, ['-e', script, JSON.stringify(pairs)], { encoding: 'utf8' }),
    );
    for (const name of PACKAGES) expect({ name, ...result[name] }).toEqual({ name, same: true, missing: [] });
  });

  it("points Node's import and require at the CommonJS build", () => {
    for (const name of PACKAGES) {
      const manifest = JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8'));
      expect({ name, node: manifest.exports['.'].node }).toEqual({
        name,
        node: { types: './dist/index.d.ts', import: './dist/index.mjs', require: './dist/index.js' },
      });
    }
  });
});

describe('the inference set for bundlers and browsers', () => {
  it('imports only declared packages and no Node built-in from its ES module builds', () => {
    for (const name of PACKAGES) {
      const dir = packageDir(name);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      const target = manifest.exports['.'].browser.default as string;
      const code = readFileSync(path.join(dir, target), 'utf8');
      const specifiers = [
        ...code.matchAll(
          /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
        ),
      ].map((m) => (m[1] ?? m[2])!);
      const undeclared = specifiers.filter((s) => !declared.some((d) => s === d || s.startsWith(`${d}/`)));
      // These import packages in a page (yaml, tfjs, …): a reading that found none would prove nothing.
      if (IMPORTING.includes(name))
        expect({ name, found: specifiers.length > 0 }).toEqual({ name, found: true });
      expect({ name, undeclared }).toEqual({ name, undeclared: [] });
      expect(specifiers.filter((s) => s.startsWith('node:'))).toEqual([]);
      expect(code).not.toMatch(/\b(__dirname|__filename|require\()/);
    }
  });
});
