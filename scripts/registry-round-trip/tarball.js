// What every published tarball must hold: the entry point and type declarations it declares, and every file its
// `exports` names (the CommonJS and ES module builds: so an unbuilt, empty or half-built package can never go
// out), README, LICENSE, and a manifest whose workspace-only ranges (`workspace:`, `catalog:`) were rewritten to
// real versions.
const { execFileSync } = require('node:child_process');
const { exportTargets } = require('../release/export-targets');

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Problems with the tarball at `file` (empty when it is complete). */
function tarballProblems(file) {
  const entries = new Set(
    execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((e) => e.replace(/^package\//, '')),
  );
  if (!entries.has('package.json')) return [`${file}: no package.json`];
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }),
  );
  const problems = [];
  const need = ['README.md', 'LICENSE', manifest.main, manifest.types];
  for (const entry of need) {
    if (!entry) problems.push(`${manifest.name}: main or types not declared`);
    else if (!entries.has(entry.replace(/^\.\//, ''))) problems.push(`${manifest.name}: ${entry} missing`);
  }
  for (const target of exportTargets(manifest)) {
    if (!entries.has(target)) problems.push(`${manifest.name}: ${target} (named by its exports) missing`);
  }
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range))
        problems.push(`${manifest.name}: ${field}.${dep} is '${range}'`);
    }
  }
  return problems;
}

module.exports = { tarballProblems };
