#!/usr/bin/env node
// What keeps every package's tests its own and the clone self-contained (`pnpm lint` runs it, in a second):
// - no file of a workspace package imports or requires a file of another workspace package by a relative path
//   (shared test code lives in a test package, @ssd-test/kit or @ssd-test/custom-backbone, imported by name; the
//   repository's own files, such as jest.base.js, are not packages);
// - no file names `../shared` (a folder beside the checkout that a clone does not have);
// - no jest config sets `passWithNoTests` (a package whose tests vanished must fail, not pass).
const fs = require('node:fs');
const path = require('node:path');
const { workspacePackages } = require('./release/workspace-packages');

const ROOT = path.join(__dirname, '..');
const SKIP = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'etc']);
const SOURCE = /\.(?:[cm]?[jt]s)$/;
// import … from '…', export … from '…', import('…'), require('…'), jest.mock('…')
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bjest\.mock\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (SOURCE.test(entry.name)) yield full;
  }
}

function main() {
  const problems = [];
  const packages = workspacePackages(ROOT);
  const inside = (file, dir) => file === dir || file.startsWith(dir + path.sep);
  for (const pkg of packages) {
    const home = path.resolve(pkg.dir);
    for (const file of sourceFiles(home)) {
      const shown = path.relative(ROOT, file);
      const text = fs.readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(SPECIFIER)) {
        const target = path.resolve(path.dirname(file), specifier);
        const other = packages.find((p) => p !== pkg && inside(target, path.resolve(p.dir)));
        if (other && !inside(target, home)) {
          problems.push(
            `${shown}: imports '${specifier}', a file of ${other.name}; import the package by name`,
          );
        }
      }
      if (/\.\.\/shared\b/.test(text))
        problems.push(`${shown}: names ../shared, which a clone does not have`);
      if (/jest\.config\.[cm]?js$/.test(file) && /passWithNoTests/.test(text)) {
        problems.push(`${shown}: sets passWithNoTests; a package whose tests are gone must fail`);
      }
    }
  }
  if (problems.length > 0) {
    console.error(`tests that reach outside their package:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log("no package imports another's files by path, and nothing names ../shared");
}

main();
