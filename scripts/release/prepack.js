#!/usr/bin/env node
// Runs as each publishable package's `prepack` (after its build), in the package's folder: puts the
// repository's LICENSE beside it so every tarball carries it (one LICENSE in git, at the root), then
// refuses to pack a package whose entry point, type declarations or any file its `exports` names (the CommonJS
// and ES module builds) is missing.
const { copyFileSync, existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { exportTargets } = require('./export-targets');

const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
copyFileSync(path.join(__dirname, '..', '..', 'LICENSE'), path.join(pkgDir, 'LICENSE'));
for (const field of ['main', 'types']) {
  if (!pkg[field] || !existsSync(path.join(pkgDir, pkg[field]))) {
    console.error(`${pkg.name}: "${field}" (${pkg[field] ?? 'not declared'}) is not there after the build`);
    process.exit(1);
  }
}
const missing = exportTargets(pkg).filter((file) => !existsSync(path.join(pkgDir, file)));
if (missing.length > 0) {
  console.error(`${pkg.name}: "exports" names ${missing.join(', ')}, not there after the build`);
  process.exit(1);
}
