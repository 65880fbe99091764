#!/usr/bin/env node
// Keeps ARCHITECTURE.md, CONTRIBUTING.md and the README true to the workspace (`pnpm lint` runs it, in a second):
// - ARCHITECTURE.md's package graph is the one the package.json files declare: every workspace package on one
//   line, with its dependencies and peers among the workspace's packages (an optional peer marked `?`), each
//   pointing to a line above it;
// - every workspace package has its row in ARCHITECTURE.md's "What each package owns" table, and every
//   publishable one its row in the README's package table;
// - every repository path these documents name (in a code span, or as a link) exists, and a link whose text is a
//   code-formatted name (`[\`installKernels\`](packages/kernels/src/registry.ts)`) points to a file that has it.
// On a mismatch it prints what to write.
const fs = require('node:fs');
const path = require('node:path');
const { workspacePackages } = require('./release/workspace-packages');

const ROOT = path.join(__dirname, '..');
const ARCHITECTURE = 'ARCHITECTURE.md';
const DOCUMENTS = [ARCHITECTURE, 'CONTRIBUTING.md', 'README.md', 'fixtures/README.md'];
const GRAPH_MARKER = '<!-- package-graph -->';
const OWNERS_HEADING = '## What each package owns';
const README_PACKAGES_HEADING = '## Packages';
// Code spans that start with one of these are repository paths.
const PATH_ROOTS = [
  'packages/',
  'apps/',
  'test-packages/',
  'scripts/',
  'fixtures/',
  'configs/',
  '.ci/',
  '.changeset/',
];

/** `@ssd/config` → `config`; other scopes keep their full name. */
const shortName = (name) => name.replace(/^@ssd\//, '');

/** A package's edges to other workspace packages: `deps` (dependencies) and `peers` (`name?` when optional). */
function declaredEdges(manifest, names) {
  const inWorkspace = (field) => Object.keys(manifest[field] ?? {}).filter((d) => names.has(d));
  const optional = manifest.peerDependenciesMeta ?? {};
  return {
    deps: [...new Set([...inWorkspace('dependencies'), ...inWorkspace('optionalDependencies')])]
      .map(shortName)
      .sort(),
    peers: inWorkspace('peerDependencies')
      .map((d) => shortName(d) + (optional[d]?.optional ? '?' : ''))
      .sort(),
  };
}

/** How a package's line reads in the graph. */
function graphLine(name, { deps, peers }) {
  const column = (text, width) => `${text.padEnd(width - 2)}  `;
  let line = column(name, 14);
  if (deps.length > 0) line += `→ ${deps.join(', ')}`;
  if (peers.length > 0) line = `${column(line, 58)}peers: ${peers.join(', ')}`;
  return line.trimEnd();
}

/** The graph's lines: `name [→ a, b] [peers: c, d?]`, in the order written. */
function parseGraph(text, problems) {
  const start = text.indexOf(GRAPH_MARKER);
  if (start < 0) {
    problems.push(`${ARCHITECTURE}: no "${GRAPH_MARKER}" line followed by the package graph's code block`);
    return [];
  }
  const block = /```text\n([\s\S]*?)```/.exec(text.slice(start));
  if (!block) {
    problems.push(`${ARCHITECTURE}: no \`\`\`text block after ${GRAPH_MARKER}`);
    return [];
  }
  const list = (s) =>
    (s ?? '')
      .split(/[,\s]+/)
      .filter(Boolean)
      .sort();
  return block[1]
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^(\S+)\s*(?:→\s*(.*?))?\s*(?:peers:\s*(.*))?$/.exec(l.trim());
      return { name: m[1], deps: list(m[2]), peers: list(m[3]) };
    });
}

function checkGraph(text, packages, problems) {
  const names = new Set(packages.map((p) => p.name));
  const expected = new Map(packages.map((p) => [shortName(p.name), declaredEdges(p.manifest, names)]));
  const lines = parseGraph(text, problems);
  const seen = new Set();
  for (const line of lines) {
    const want = expected.get(line.name);
    if (!want) {
      problems.push(`${ARCHITECTURE}: the graph names '${line.name}', which is not a workspace package`);
      continue;
    }
    if (seen.has(line.name)) problems.push(`${ARCHITECTURE}: the graph has '${line.name}' twice`);
    const same = (a, b) => a.join() === b.join();
    if (!same(line.deps, want.deps) || !same(line.peers, want.peers)) {
      problems.push(
        `${ARCHITECTURE}: the graph's line for '${line.name}' differs from its package.json; write\n    ${graphLine(line.name, want)}`,
      );
    }
    const below = [...line.deps, ...line.peers].map((d) => d.replace(/\?$/, '')).filter((d) => !seen.has(d));
    if (below.length > 0) {
      problems.push(
        `${ARCHITECTURE}: '${line.name}' depends on ${below.join(', ')}, which is not on a line above it (a package's line comes after those of every package it uses)`,
      );
    }
    seen.add(line.name);
  }
  for (const [name, want] of expected) {
    if (!seen.has(name)) {
      problems.push(
        `${ARCHITECTURE}: the graph lacks '${name}'; add, below what it uses,\n    ${graphLine(name, want)}`,
      );
    }
  }
}

/** The first-column names (`@ssd/x` in a code span) of the table under `heading`. */
function tableNames(text, heading) {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) return null;
  const section = text.slice(start + heading.length + 2).split(/\n## /)[0];
  return new Set([...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]));
}

function checkTables(architecture, readme, packages, problems) {
  const owners = tableNames(architecture, OWNERS_HEADING);
  if (!owners) problems.push(`${ARCHITECTURE}: no "${OWNERS_HEADING}" section`);
  const listed = tableNames(readme, README_PACKAGES_HEADING);
  if (!listed) problems.push(`README.md: no "${README_PACKAGES_HEADING}" section`);
  for (const pkg of packages) {
    if (owners && !owners.has(pkg.name)) {
      problems.push(`${ARCHITECTURE}: "${OWNERS_HEADING}" has no row for \`${pkg.name}\``);
    }
    if (listed && !pkg.manifest.private && !listed.has(pkg.name)) {
      problems.push(`README.md: the "${README_PACKAGES_HEADING}" table has no row for \`${pkg.name}\``);
    }
  }
  const names = new Set(packages.map((p) => p.name));
  for (const [where, set] of [
    [ARCHITECTURE, owners],
    ['README.md', listed],
  ]) {
    for (const name of set ?? []) {
      if (!names.has(name))
        problems.push(`${where}: the package table names \`${name}\`, not a workspace package`);
    }
  }
}

/** Whether `file` (repository-relative) contains `symbol` as a whole word. */
function fileHas(file, symbol) {
  const full = path.join(ROOT, file);
  if (!fs.statSync(full).isFile()) return false;
  const escaped = symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])${escaped}($|[^\\w$])`).test(fs.readFileSync(full, 'utf8'));
}

function checkPaths(doc, text, problems) {
  const withoutFences = text.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, span] of withoutFences.matchAll(/`([^`\n]+)`/g)) {
    const candidate = span.replace(/[.,:;)]+$/, '');
    if (!PATH_ROOTS.some((r) => candidate.startsWith(r)) || /[<*{ ]/.test(candidate)) continue;
    // Build outputs exist only after `pnpm build`; lint must pass on a fresh clone too.
    if (/(^|\/)dist(\/|$)/.test(candidate)) continue;
    if (!fs.existsSync(path.join(ROOT, candidate))) problems.push(`${doc}: \`${candidate}\` does not exist`);
  }
  for (const [, label, target] of withoutFences.matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const file = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target.split('#')[0]));
    if (!fs.existsSync(path.join(ROOT, file))) {
      problems.push(`${doc}: the link to ${target} points to nothing`);
      continue;
    }
    const symbol = /^`([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)(?:\(\))?`$/.exec(label)?.[1];
    const isFileName = /\.(?:[cm]?[jt]s|md|json|ya?ml|py|sh)$/.test(symbol ?? '');
    if (symbol && !isFileName && !fileHas(file, symbol.split('.').pop())) {
      problems.push(`${doc}: [${label}] links to ${file}, which has no '${symbol.split('.').pop()}'`);
    }
  }
}

function main() {
  const problems = [];
  const packages = workspacePackages(ROOT);
  const read = (doc) =>
    fs.existsSync(path.join(ROOT, doc)) ? fs.readFileSync(path.join(ROOT, doc), 'utf8') : null;
  const architecture = read(ARCHITECTURE);
  const readme = read('README.md');
  if (architecture === null) problems.push(`${ARCHITECTURE} is missing`);
  else {
    checkGraph(architecture, packages, problems);
    checkTables(architecture, readme ?? '', packages, problems);
  }
  for (const doc of DOCUMENTS) {
    const text = read(doc);
    if (text === null) problems.push(`${doc} is missing`);
    else checkPaths(doc, text, problems);
  }
  if (problems.length > 0) {
    console.error(`the documents disagree with the repository:\n  ${[...new Set(problems)].join('\n  ')}`);
    process.exit(1);
  }
  console.log(
    `${DOCUMENTS.join(', ')}: the package graph, package tables and named paths match the repository`,
  );
}

module.exports = { declaredEdges, graphLine, parseGraph };

if (require.main === module) main();
