import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { initBackend, modelStateRecords, saveTrainingCheckpoint } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { writeToyProject } from '@ssd-test/custom-backbone';
import { zipSync } from 'fflate';

// The hostile-input suite, end to end through `ssd demo`: bad images among good ones, an output
// folder that is the input folder, a hostile checkpoint. One message naming the culprit, no stack,
// a non-zero exit, in seconds.

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const PLUGIN = require.resolve('@ssd-test/custom-backbone');

let configFile: string;
let ckpt: string;
let images: string;

beforeAll(async () => {
  const project = await writeToyProject();
  configFile = project.configFile;
  await initBackend('js', () => {});
  const model = buildDetectionModel(loadConfig(configFile));
  ckpt = path.join(project.dir, 'toy.safetensors');
  saveTrainingCheckpoint(ckpt, { model: await modelStateRecords(model), iteration: 0 });
  model.dispose();
  images = path.join(project.dir, 'images');
  mkdirSync(images);
  const jpegs = path.join(project.dir, 'data', 'JPEGImages');
  const first = readdirSync(jpegs).sort()[0]!;
  copyFileSync(path.join(jpegs, first), path.join(images, 'a-good.jpg'));
  writeFileSync(path.join(images, 'b-text.jpg'), 'not an image');
  writeFileSync(path.join(images, 'c-half.jpg'), readFileSync(path.join(jpegs, first)).subarray(0, 300));
});

function demo(...args: string[]) {
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [BIN, '--require', PLUGIN, 'demo', '--config-file', configFile, '--dataset_type', 'shapes', ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(performance.now() - start).toBeLessThan(30_000);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return run;
}

describe('hostile ssd demo', () => {
  it('reports undecodable images, finishes the rest, writes results.json and fails naming them', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ssd-demo-out-'));
    const run = demo('--ckpt', ckpt, '--images_dir', images, '--output_dir', out);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/\(0002\/0003\) b-text\.jpg: skipped: cannot decode image .*b-text\.jpg: /);
    expect(run.stderr).toMatch(/\(0003\/0003\) c-half\.jpg: skipped: cannot decode image .*c-half\.jpg: /);
    expect(run.stderr).toContain(
      `ssd: error: 2 of 3 images in ${images} could not be read (see above): b-text.jpg, c-half.jpg`,
    );
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.map((r: { image: string }) => r.image)).toEqual(['a-good.jpg']);
    expect(readdirSync(out).sort()).toEqual(['a-good.jpg', 'results.json']);
  });

  it('refuses an output folder that is the images folder, even through a link, touching nothing', () => {
    const link = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-demo-link-')), 'same');
    symlinkSync(images, link);
    const before = readdirSync(images).map((f) => readFileSync(path.join(images, f)));
    for (const outputDir of [images, link]) {
      const run = demo('--ckpt', ckpt, '--images_dir', images, '--output_dir', outputDir);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`ssd: error: --output_dir ${outputDir} is the --images_dir`);
    }
    expect(readdirSync(images).map((f) => readFileSync(path.join(images, f)))).toEqual(before);
  });

  it('refuses a .pth holding a 200 KB integer in a moment, naming it', () => {
    const pkl = `\x80\x02}(X\x05\x00\x00\x00model\x8b\x00\x20\x03\x00${'\x7f'.repeat(0x32000)}u.`;
    const pth = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-demo-pth-')), 'huge-int.pth');
    writeFileSync(
      pth,
      zipSync({ 'archive/data.pkl': Uint8Array.from(pkl, (c) => c.charCodeAt(0)) }, { level: 0 }),
    );
    const out = mkdtempSync(path.join(tmpdir(), 'ssd-demo-out-'));
    const run = demo('--ckpt', pth, '--images_dir', images, '--output_dir', out);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `ssd: error: ${pth} (archive/data.pkl): pickle integer of 204800 bytes refused: at most 1024 are read (at byte 14)`,
    );
  });
});
