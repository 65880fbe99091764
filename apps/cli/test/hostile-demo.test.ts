import { execFileSync, spawnSync } from 'node:child_process';
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
import { encodeModel, expectedExport, GraphBuilder } from '@ssd/onnx';
import { writeToyProject } from '@ssd-test/custom-backbone';
import { zipSync } from 'fflate';

// The hostile-input suite, end to end through `ssd demo`: bad images among good ones, an output
// folder that is the input folder, a hostile checkpoint. One message naming the culprit, no stack,
// a non-zero exit, in seconds.

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const PLUGIN = require.resolve('@ssd-test/custom-backbone');
const FAULTY = path.join(__dirname, 'helpers', 'faulty-backbone.js');

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

/** `ssd demo` of the test images with checkpoint `ckpt`, into a fresh output folder. */
function demoWithCheckpoint(ckpt: string) {
  return demo(
    '--ckpt',
    ckpt,
    '--images_dir',
    images,
    '--output_dir',
    mkdtempSync(path.join(tmpdir(), 'ssd-demo-out-')),
  );
}

function demo(...args: string[]) {
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      // Every run's heap is bounded: an input that would take gigabytes ends it (and the test) here.
      '--max-old-space-size=512',
      BIN,
      '--require',
      PLUGIN,
      '--require',
      FAULTY,
      'demo',
      '--config-file',
      configFile,
      '--dataset_type',
      'shapes',
      ...args,
    ],
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

  it('names and skips a FIFO named b.jpg and an SVG named .png among the images, and finishes the rest', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssd-demo-odd-'));
    copyFileSync(path.join(images, 'a-good.jpg'), path.join(dir, 'a.jpg'));
    execFileSync('mkfifo', [path.join(dir, 'b.jpg')]);
    writeFileSync(
      path.join(dir, 'c.png'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="12000" height="12000"><filter id="b"><feGaussianBlur stdDeviation="900"/></filter><rect width="12000" height="12000" filter="url(#b)"/></svg>',
    );
    const out = mkdtempSync(path.join(tmpdir(), 'ssd-demo-out-'));
    const run = demo('--ckpt', ckpt, '--images_dir', dir, '--output_dir', out);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `(0002/0003) b.jpg: skipped: cannot decode image ${path.join(dir, 'b.jpg')}: is a FIFO (named pipe), not a regular file`,
    );
    expect(run.stderr).toContain(
      `(0003/0003) c.png: skipped: cannot decode image ${path.join(dir, 'c.png')}: it is SVG (a vector format), not one of the formats read (JPEG, PNG, WebP)`,
    );
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.map((r: { image: string }) => r.image)).toEqual(['a.jpg']);
  });

  it('a model that fails midway: results.json for the images done, an error naming the model and the image', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssd-demo-fault-'));
    for (const name of ['a.jpg', 'b.jpg', 'c.jpg'])
      copyFileSync(path.join(images, 'a-good.jpg'), path.join(dir, name));
    const out = mkdtempSync(path.join(tmpdir(), 'ssd-demo-out-'));
    const run = demo(
      '--ckpt',
      ckpt,
      '--images_dir',
      dir,
      '--output_dir',
      out,
      'MODEL.BACKBONE.NAME',
      'faulty_toy_backbone',
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'ssd: error: the model failed on b.jpg (image 2 of 3), so the run stopped there; results.json holds the 1 image(s) done before it: injected model fault',
    );
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.map((r: { image: string }) => r.image)).toEqual(['a.jpg']);
  });

  it.each([
    ['a folder', () => '/etc', '/etc: is a folder, not a regular file'],
    [
      'a URL that cannot be parsed',
      () => 'http://[::1',
      "cannot download: 'http://[::1' is not a usable URL: it cannot be parsed",
    ],
  ])('names %s given as --ckpt, in one line', (_, ckptArg, message) => {
    const run = demoWithCheckpoint(ckptArg());
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`ssd: error: ${message}`);
  });

  it('refuses a 140 MB legacy-format .pth of DUP opcodes unread (it killed the process)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-demo-pth-')), 'dups.pth');
    const head = Buffer.from(
      '\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02M\xe9\x03.\x80\x02}.\x80\x02N',
      'latin1',
    );
    writeFileSync(file, Buffer.concat([head, Buffer.alloc(140 * 2 ** 20, '2'), Buffer.from('.')]));
    const run = demoWithCheckpoint(file);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      new RegExp(
        `^ssd: error: ${file}: is 146800669 bytes, more than the \\d+ allowed for a checkpoint whose tensors may take at most \\d+ bytes \\(4× this model's [\\d.]+ KiB; is the checkpoint for another model\\?\\)$`,
      ),
    );
  });

  it('refuses a legacy .pth whose four tensors view one storage larger than the model allows, before decoding it', () => {
    const numel = 2 ** 20; // 4 MiB: more than 4× the toy model, less than the file-size cap
    const str = (s: string) => `X${String.fromCharCode(s.length, 0, 0, 0)}${s}`;
    const int = (n: number) =>
      `J${String.fromCharCode(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24)}`;
    const storage = `(${str('storage')}ctorch\nFloatStorage\n${str('0')}${str('cpu')}${int(numel)}NtQ`;
    const od = 'ccollections\nOrderedDict\n)R';
    const tensor = `ctorch._utils\n_rebuild_tensor_v2\n(${storage}${int(0)}(${int(numel)}t(${int(1)}t\x89${od}tR`;
    const items = [0, 1, 2, 3].map((i) => `${str(`w${i}`)}${tensor}`).join('');
    const pkl = `\x80\x02}(${str('model')}${od}(${items}uu.`;
    const count = Buffer.alloc(8);
    count.writeBigInt64LE(BigInt(numel));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-demo-pth-')), 'views.pth');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(
          `\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02M\xe9\x03.\x80\x02}.${pkl}\x80\x02](${str('0')}e.`,
          'latin1',
        ),
        count,
        Buffer.alloc(4 * numel),
      ]),
    );
    const run = demoWithCheckpoint(file);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      new RegExp(
        `^ssd: error: ${file}: storage '0' brings the tensors to 4194304 bytes, more than the \\d+ allowed \\(4× this model's [\\d.]+ KiB; is the checkpoint for another model\\?\\)$`,
      ),
    );
  });

  it('refuses an .onnx whose ConstantOfShape is not bounded by its input, naming it', () => {
    const cfg = loadConfig(configFile);
    const { size, priors, classes } = expectedExport(cfg);
    const info = (name: string, dims: (number | 'N')[]) => ({
      name,
      type: {
        tensorType: {
          elemType: 1,
          shape: { dim: dims.map((d) => (d === 'N' ? { dimParam: 'N' } : { dimValue: d })) },
        },
      },
    });
    const g = new GraphBuilder();
    g.op('ConstantOfShape', [g.int64s([1, 5e7, 6])], [], {}, 'scores');
    g.op('ConstantOfShape', [g.int64s([1, 5e7, 4])], [], {}, 'boxes');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-demo-onnx-')), 'bomb.onnx');
    writeFileSync(
      file,
      encodeModel({
        irVersion: 8,
        producerName: 'hostile',
        producerVersion: '',
        opsetImport: [{ domain: '', version: 17 }],
        metadataProps: [],
        graph: {
          name: 'g',
          node: g.nodes,
          initializer: g.initializers,
          input: [info('images', ['N', 3, size, size])],
          output: [info('scores', ['N', priors, classes]), info('boxes', ['N', priors, 4])],
        },
      }),
    );
    const run = demoWithCheckpoint(file);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      new RegExp(
        `^ssd: error: ${file}: not supported: node 0 \\('ConstantOfShape', ConstantOfShape\\): an ssd export uses only `,
      ),
    );
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
