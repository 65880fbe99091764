// The workspace's publishable packages (every package.json the workspace lists that is not private), in
// dependency order: a package comes after every workspace package it depends on, so a registry never
// holds a package whose workspace dependencies are missing. Found from pnpm itself, so packages that are
// added or moved are picked up without a list to keep.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Every workspace package but the root, private ones included, as `{ name, version, dir, manifest }`. */
function workspacePackages(root = path.join(__dirname, '..', '..')) {
  const listed = JSON.parse(
    execFileSync('pnpm', ['ls', '-r', '--json', '--depth', '-1'], { cwd: root, encoding: 'utf8' }),
  );
  const packages = [];
  for (const entry of listed) {
    const manifest = JSON.parse(readFileSync(path.join(entry.path, 'package.json'), 'utf8'));
    if (!manifest.name || path.resolve(entry.path) === path.resolve(root)) continue;
    packages.push({ name: manifest.name, version: manifest.version, dir: entry.path, manifest });
  }
  return packages;
}

/** Every workspace package that is not private, as `{ name, version, dir, manifest }`, in dependency order. */
function publishablePackages(root = path.join(__dirname, '..', '..')) {
  const byName = new Map();
  for (const pkg of workspacePackages(root)) {
    if (!pkg.manifest.private) byName.set(pkg.name, pkg);
  }
  return dependencyOrder(byName);
}

/** Depth-first topological order over the workspace dependencies; a cycle is an error naming it. */
function dependencyOrder(byName) {
  const ordered = [];
  const state = new Map(); // name -> 'visiting' | 'done'
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new Error(`workspace dependency cycle: ${[...trail, name].join(' -> ')}`);
    }
    state.set(name, 'visiting');
    const pkg = byName.get(name);
    for (const field of DEPENDENCY_FIELDS) {
      for (const dep of Object.keys(pkg.manifest[field] ?? {})) {
        if (byName.has(dep)) visit(dep, [...trail, name]);
      }
    }
    state.set(name, 'done');
    ordered.push(pkg);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return ordered;
}

module.exports = { publishablePackages, workspacePackages, dependencyOrder };
