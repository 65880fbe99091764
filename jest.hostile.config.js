// The hostile-input suite (`pnpm test:hostile`): every package's test/hostile-*.test.ts in one jest run.
// Malicious or degenerate checkpoints, images, annotations, configs and output folders, each of which
// must end in one message naming the file or key, in bounded time and memory.
const path = require('node:path');
const { testTimeout, ...project } = require('./jest.base.js');

const PACKAGES = [
  'packages/config',
  'packages/image',
  'packages/data',
  'packages/modeling',
  'packages/engine',
  'packages/inference',
  'packages/onnx',
  'apps/trainer',
  'apps/cli',
];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout,
  projects: PACKAGES.map((dir) => ({
    ...project,
    displayName: dir,
    rootDir: path.join(__dirname, dir),
    testMatch: ['**/hostile-*.test.ts'],
  })),
};
