// A fresh project outside the workspace, as a user makes one, installing from the test registry with npm
// or with pnpm.
const { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { run, userEnv } = require('./run');

/** Creates `dir` as an empty project of `pm` ('npm' or 'pnpm') whose registry is `registryUrl`. */
function createProject(pm, dir, { registryUrl, npmCache, pnpmWorkspaceYaml, log }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: path.basename(dir), private: true })}\n`,
  );
  writeFileSync(path.join(dir, '.npmrc'), `registry=${registryUrl}\n`);
  // pnpm reads its settings (allowBuilds, the README's answer to ERR_PNPM_IGNORED_BUILDS) from here.
  if (pm === 'pnpm') writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), pnpmWorkspaceYaml);
  const install = (packages, env = {}) =>
    pm === 'npm'
      ? run('npm', ['install', '--no-audit', '--no-fund', '--cache', npmCache, ...packages], {
          cwd: dir,
          env: userEnv(env),
          log,
        })
      : // A metadata cache of its own: pnpm trusts cached package metadata for a while, and a project made
        // after a release must see it, as a user's project on a later day would.
        run('pnpm', ['add', ...packages], {
          cwd: dir,
          env: userEnv({ ...env, XDG_CACHE_HOME: `${dir}-cache` }),
          log,
        });
  return { pm, dir, install };
}

/** Every installed copy of `name` in the project (a path per copy), wherever the package manager put it. */
function installedCopies(dir, name) {
  const copies = [];
  const walk = (nodeModules, depth) => {
    if (depth > 8 || !existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
      if (entry.name === '.bin') continue;
      const full = path.join(nodeModules, entry.name);
      if (entry.name === '.pnpm') {
        for (const store of readdirSync(full)) walk(path.join(full, store, 'node_modules'), depth + 1);
      } else if (entry.name.startsWith('@') && entry.isDirectory()) {
        for (const scoped of readdirSync(full))
          visit(path.join(full, scoped), `${entry.name}/${scoped}`, depth);
      } else {
        visit(full, entry.name, depth);
      }
    }
  };
  // Links (pnpm's, npm's workspaces) point at a copy counted where it really is.
  const visit = (pkgDir, pkgName, depth) => {
    if (!lstatSync(pkgDir).isDirectory()) return;
    if (pkgName === name && existsSync(path.join(pkgDir, 'package.json'))) copies.push(pkgDir);
    walk(path.join(pkgDir, 'node_modules'), depth + 1);
  };
  walk(path.join(dir, 'node_modules'), 0);
  return copies;
}

module.exports = { createProject, installedCopies };
