#!/usr/bin/env node
// What every publishable package must carry before it can be released (CI runs this in .ci/run and
// .ci/release, in a second): a README, a version, the license, repository with its directory, engines,
// public access, `files` that include its build, and a prepack that builds it and adds the LICENSE.
// A package added to the workspace without them fails here, naming what is missing.
const { existsSync } = require('node:fs');
const path = require('node:path');
const { exportTargets } = require('./export-targets');
const { publishablePackages } = require('./workspace-packages');

const ROOT = path.join(__dirname, '..', '..');
const rootManifest = require(path.join(ROOT, 'package.json'));

/** What `pkg` lacks (empty when it is ready to publish). */
function packageProblems(pkg) {
  const m = pkg.manifest;
  const dir = path.relative(ROOT, pkg.dir).split(path.sep).join('/');
  const problems = [];
  const need = (ok, what) => {
    if (!ok) problems.push(`${m.name} (${dir}): ${what}`);
  };
  need(existsSync(path.join(pkg.dir, 'README.md')), 'no README.md');
  need(/^\d+\.\d+\.\d+/.test(m.version ?? ''), 'no version');
  need(
    m.license === rootManifest.license,
    `license is ${m.license}, the repository's is ${rootManifest.license}`,
  );
  need(
    m.repository?.url === rootManifest.repository?.url,
    'repository.url differs from the root package.json',
  );
  need(m.repository?.directory === dir, `repository.directory should be ${dir}`);
  need(
    m.engines?.node === rootManifest.engines?.node,
    `engines.node should be ${rootManifest.engines?.node}`,
  );
  need(m.publishConfig?.access === 'public', 'publishConfig.access should be public (scoped packages)');
  need(Array.isArray(m.files) && m.files.includes('dist'), 'files should list dist');
  need(m.types && m.main, 'main and types must be declared');
  // Every file the manifest points at must be one `files` publishes (a build output, not a source file).
  const published = (file) =>
    file === 'package.json' || (m.files ?? []).some((f) => file === f || file.startsWith(`${f}/`));
  const unpublished = exportTargets(m).filter((file) => !published(file));
  need(unpublished.length === 0, `exports name files "files" leaves out: ${unpublished.join(', ')}`);
  // A package with ES module builds keeps Node on its CommonJS build, for import and require alike (one copy).
  const root = m.exports?.['.'];
  if (root && typeof root === 'object' && root.import) {
    need(
      root.node?.import && root.node?.require && root.require,
      'exports["."] has an "import" build: give "node" its import and require entries, and a "require" one',
    );
  }
  need(
    /scripts\/release\/prepack\.js/.test(m.scripts?.prepack ?? ''),
    'prepack should build and run scripts/release/prepack.js',
  );
  return problems;
}

const problems = publishablePackages(ROOT).flatMap(packageProblems);
if (problems.length > 0) {
  console.error(`not ready to publish:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('every publishable package has its README, metadata and pack-time build');
