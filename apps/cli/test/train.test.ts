import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeShapesDataset } from '@ssd/data';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
// A backbone from a package of its own, loaded with --require as a user's plugin would be.
const PLUGIN = require.resolve('@ssd-test/custom-backbone');

let dir: string;
let configFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-cli-train-'));
  await writeShapesDataset(path.join(dir, 'data'), { train: 8, test: 4, seed: 2 });
  const spec = (split: string) =>
    `{ FORMAT: voc, DATA_DIR: ${path.join(dir, 'data')}, SPLIT: ${split}, CLASS_NAMES: [circle, square, triangle, star, hexagon] }`;
  configFile = path.join(dir, 'toy.yaml');
  writeFileSync(
    configFile,
    [
      'MODEL:',
      '  DEVICE: js',
      '  NUM_CLASSES: 6',
      '  BACKBONE:',
      '    NAME: toy_backbone',
      '    OUT_CHANNELS: (8, 8)',
      '  PRIORS:',
      '    FEATURE_MAPS: [8, 4]',
      '    STRIDES: [4, 8]',
      '    MIN_SIZES: [8, 16]',
      '    MAX_SIZES: [16, 32]',
      '    ASPECT_RATIOS: [[2], [2]]',
      '    BOXES_PER_LOCATION: [4, 4]',
      'INPUT: { IMAGE_SIZE: 32 }',
      'DATASETS:',
      '  TRAIN: ("toy_train",)',
      '  TEST: ("toy_test",)',
      `  CATALOG: { toy_train: ${spec('train')}, toy_test: ${spec('test')} }`,
      'DATA_LOADER: { NUM_WORKERS: 0 }',
      'SOLVER: { MAX_ITER: 100000, BATCH_SIZE: 2, LR: 0.001, WARMUP_ITERS: 2 }',
      `OUTPUT_DIR: ${path.join(dir, 'out')}`,
      '',
    ].join('\n'),
  );
});

describe('ssd train', () => {
  it('saves a checkpoint and exits cleanly on Ctrl-C; the same command then resumes', async () => {
    const args = [BIN, '--require', PLUGIN, 'train', '--config-file', configFile, '--log_step', '1'];
    const child = spawn(process.execPath, args, { cwd: ROOT });
    let out = '';
    let interrupted = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!interrupted && /iter: 000003/.test(out)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('Interrupted: saving a checkpoint');
    const stopped = /Training stopped at iteration (\d+); run the same command to resume/.exec(out);
    expect(stopped).not.toBeNull();
    const pointer = readFileSync(path.join(dir, 'out', 'last_checkpoint'), 'utf8').trim();
    expect(pointer).toBe(`model_${stopped![1]!.padStart(6, '0')}.safetensors`);

    const again = spawnSync(process.execPath, [...args, 'SOLVER.MAX_ITER', String(Number(stopped![1]) + 2)], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      `Resuming from ${path.join(dir, 'out', pointer)} at iteration ${stopped![1]}`,
    );
    expect(existsSync(path.join(dir, 'out', 'model_final.safetensors'))).toBe(true);
  });

  it('stops before training on a wrong config key, naming it', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--config-file', configFile, 'SOLVER.LRR', '0.1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown config key 'SOLVER.LRR'");
    expect(r.stdout).not.toContain('iter:');
  });

  it('names an unknown backbone and lists the registered ones', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--config-file', configFile], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/toy_backbone/);
    expect(r.stderr).toMatch(/mobilenet_v2/);
  });
});
