#!/usr/bin/env node
// Builds the ES module files a package's `exports` point at, in the package's folder (after tsc, which writes
// the CommonJS build and the type declarations):
//   ./dist/esm/<name>.mjs  the bundlers' and browsers' build of src/<name>.ts: one ES module, its own files
//                          bundled, every package it declares left as an import. A file `x.browser.ts` beside
//                          `x.ts` takes its place (the platform modules: the browser's decoding, downloads…).
//                          The build fails on a Node built-in, a require(), __dirname or a package it does
//                          not declare, so nothing that needs Node reaches a page.
//   ./dist/<name>.mjs      Node's `import` entry: the CommonJS build re-exported, so that `import` and
//                          `require` load one copy of the package (its registries are module state).
const { existsSync, readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const pkgDir = process.cwd();
const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));

/** Every file path `exports` points at. */
function exportTargets(node, out = new Set()) {
  if (typeof node === 'string') out.add(node);
  else if (node && typeof node === 'object') for (const v of Object.values(node)) exportTargets(v, out);
  return out;
}

const declared = Object.keys({
  ...manifest.dependencies,
  ...manifest.peerDependencies,
  ...manifest.optionalDependencies,
});

/** Resolves a relative import to its `.browser.ts` sibling where there is one. */
const platformModules = {
  name: 'platform-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = path.resolve(args.resolveDir, args.path);
      for (const candidate of [`${base}.browser.ts`, path.join(base, 'index.browser.ts')]) {
        if (existsSync(candidate)) return { path: candidate };
      }
      return undefined;
    });
  },
};

async function buildBrowserModule(target) {
  const name = path.basename(target, '.mjs');
  const entry = path.join(pkgDir, 'src', `${name}.ts`);
  if (!existsSync(entry)) throw new Error(`${manifest.name}: ${target} needs its entry src/${name}.ts`);
  const outfile = path.join(pkgDir, target);
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    logLevel: 'error',
    external: declared.flatMap((d) => [d, `${d}/*`]),
    plugins: [platformModules],
  });
  const problems = [];
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    if (!path.resolve(file).startsWith(path.join(pkgDir, 'src') + path.sep)) {
      problems.push(`${file} is bundled: import it from a package declared in package.json instead`);
    }
    for (const imp of input.imports) {
      if (imp.kind === 'require-call') problems.push(`${file} calls require('${imp.path}')`);
    }
  }
  const code = readFileSync(outfile, 'utf8');
  for (const global of ['__dirname', '__filename']) {
    if (new RegExp(`\\b${global}\\b`).test(code)) problems.push(`the bundle refers to Node's ${global}`);
  }
  if (problems.length > 0) {
    throw new Error(`${manifest.name}: ${target} is not a browser build:\n  ${problems.join('\n  ')}`);
  }
}

function writeNodeWrapper(target) {
  const cjs = `./${path.basename(target, '.mjs')}.js`;
  if (!existsSync(path.join(pkgDir, path.dirname(target), cjs))) {
    throw new Error(`${manifest.name}: ${target} wraps ${cjs}, which tsc did not write`);
  }
  mkdirSync(path.dirname(path.join(pkgDir, target)), { recursive: true });
  writeFileSync(
    path.join(pkgDir, target),
    `// Node's import entry: the CommonJS build, so that import and require share one copy of the package.\nexport * from '${cjs}';\nexport { default } from '${cjs}';\n`,
  );
}

async function main() {
  const targets = [...exportTargets(manifest.exports)].filter((t) => t.endsWith('.mjs'));
  if (targets.length === 0) throw new Error(`${manifest.name}: no .mjs file in "exports" to build`);
  for (const target of targets) {
    if (target.startsWith('./dist/esm/')) await buildBrowserModule(target);
    else writeNodeWrapper(target);
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
