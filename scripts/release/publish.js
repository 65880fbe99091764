#!/usr/bin/env node
// Publishes every publishable workspace package whose version the registry does not hold yet, in
// dependency order, and skips the rest, so running it again publishes nothing twice. `pnpm publish`
// packs (running each package's prepack: build, LICENSE, entry-point check) and rewrites `workspace:`
// and `catalog:` ranges to real ones.
//   node scripts/release/publish.js [--summary FILE]
// Registry: $NPM_CONFIG_REGISTRY, else the one npm is configured with. Credentials: $NPM_TOKEN when set
// (written to a temporary npmrc for that registry only), else the user's existing .npmrc.
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { publishablePackages } = require('./workspace-packages');

/** The versions of `name` the registry holds; none when it does not know the package. */
function publishedVersions(name, registry, env) {
  const result = spawnSync('npm', ['view', name, 'versions', '--json', '--registry', registry], {
    encoding: 'utf8',
    env,
  });
  if (result.status !== 0) {
    if (/E404/.test(result.stdout + result.stderr)) return [];
    throw new Error(`cannot ask ${registry} about ${name}:\n${result.stderr}`);
  }
  const versions = JSON.parse(result.stdout || '[]');
  return Array.isArray(versions) ? versions : [versions];
}

/** An npmrc granting $NPM_TOKEN on `registry`, as the env for child processes; the env unchanged without it. */
function authEnv(registry) {
  const env = { ...process.env };
  if (!process.env.NPM_TOKEN) return { env, cleanup: () => {} };
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-release-'));
  const npmrc = path.join(dir, 'npmrc');
  const hostPath = registry.replace(/^https?:/, '').replace(/\/?$/, '/');
  writeFileSync(npmrc, `${hostPath}:_authToken=\${NPM_TOKEN}\n`, { mode: 0o600 });
  env.NPM_CONFIG_USERCONFIG = npmrc;
  return { env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function main() {
  const args = process.argv.slice(2);
  const summaryIndex = args.indexOf('--summary');
  const summaryFile = summaryIndex >= 0 ? args[summaryIndex + 1] : undefined;
  const registry =
    process.env.NPM_CONFIG_REGISTRY ||
    execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
  const { env, cleanup } = authEnv(registry);
  const summary = { registry, published: [], skipped: [] };
  try {
    for (const pkg of publishablePackages()) {
      const id = `${pkg.name}@${pkg.version}`;
      if (publishedVersions(pkg.name, registry, env).includes(pkg.version)) {
        console.log(`skip     ${id} (already in the registry)`);
        summary.skipped.push(id);
        continue;
      }
      console.log(`publish  ${id}`);
      const run = spawnSync('pnpm', ['publish', '--no-git-checks', '--registry', registry], {
        cwd: pkg.dir,
        env,
        stdio: 'inherit',
      });
      if (run.status !== 0) throw new Error(`publishing ${id} failed (exit ${run.status})`);
      summary.published.push(id);
    }
  } finally {
    cleanup();
    if (summaryFile) writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  }
  console.log(`published ${summary.published.length}, already there ${summary.skipped.length} (${registry})`);
}

try {
  main();
} catch (e) {
  console.error(`release: ${e.message}`);
  process.exit(1);
}
