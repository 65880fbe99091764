// Trains the tiny detector and freezes halfway through writing the Nth checkpoint, after announcing it in
// OUTPUT_DIR/FROZEN, so the parent test can kill it there. Usage: node crash-child.js TOY_CONFIG OUT N
require('./ts-require');
const fs = require('node:fs');
const path = require('node:path');

const [configFile, outputDir, freezeAt] = process.argv.slice(2);
const tempFiles = new Map();
let checkpoints = 0;
const { openSync, writeSync } = fs;
fs.openSync = function (file, ...rest) {
  const fd = openSync.call(this, file, ...rest);
  if (/\.safetensors\.\d+\.tmp$/.test(String(file))) tempFiles.set(fd, ++checkpoints);
  return fd;
};
fs.writeSync = function (fd, buffer, offset, length, ...rest) {
  if (tempFiles.get(fd) === Number(freezeAt) && typeof length === 'number' && length > 16) {
    writeSync.call(this, fd, buffer, offset, length >> 1);
    fs.writeFileSync(path.join(outputDir, 'FROZEN'), 'mid-write\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  return writeSync.call(this, fd, buffer, offset, length, ...rest);
};

const { toyConfig } = require('@ssd-test/custom-backbone');
const { train } = require('../../src/index.ts');
train(toyConfig({ configFile }, [], outputDir), {
  log: () => {},
  progress: false,
  saveStep: 3,
  evalStep: 0,
}).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
