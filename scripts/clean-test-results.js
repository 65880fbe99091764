#!/usr/bin/env node
// Removes the previous run's jest result files so the summary only counts this run.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
for (const group of ['packages', 'apps', 'test-packages']) {
  const dir = path.join(root, group);
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir))
    fs.rmSync(path.join(dir, name, '.jest-results.json'), { force: true });
}
