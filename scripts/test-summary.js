#!/usr/bin/env node
// Sums the jest results every workspace package wrote during `pnpm test` and prints one closing line
// ("N passed, N failed"), so CI logs show the totals of the whole monorepo; exits non-zero on failures
// or when a package that has tests wrote no results.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps', 'test-packages']) {
  const dir = path.join(root, group);
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir)) {
    const pkg = path.join(dir, name);
    if (!fs.existsSync(path.join(pkg, 'test'))) continue;
    const file = path.join(pkg, '.jest-results.json');
    if (!fs.existsSync(file)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    skipped += r.numPendingTests + r.numTodoTests;
  }
}
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
