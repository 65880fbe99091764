/**
 * `ssd export`, then the exported `.onnx` through `ssd demo` and `ssd test` (ONNX Runtime) against the same
 * checkpoint through the tfjs path: same results.json detections, same metrics.json.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dumpConfig, loadConfig, VOC_CLASSES } from '@ssd/config';
import { DEMO_IMAGES_DIR as IMAGES, REFERENCE_DIR as REFERENCE } from '@ssd-test/kit';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const MOBILENET = path.join(ROOT, 'configs/mobilenet_v2_ssd320_voc0712.yaml');

function ssd(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Entry {
  image: string;
  width: number;
  height: number;
  detections: { box: number[]; label_id: number; score: number }[];
}

const out = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-cli-'));
const onnxFile = path.join(out, 'mobilenet_v2.onnx');

describe('ssd export', () => {
  it('writes the reference checkpoint as an ONNX model', () => {
    const r = ssd(
      'export',
      ...['--config-file', MOBILENET, '--ckpt', path.join(REFERENCE, 'mobilenet_v2_ssd320_random.pth')],
      ...['--output', onnxFile, 'MODEL.DEVICE', 'wasm'],
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Wrote .*mobilenet_v2\.onnx \(\d+\.\d MiB, ONNX opset 17\) from /m);
  });

  it('refuses an output that does not end in .onnx', () => {
    const r = ssd(
      'export',
      '--config-file',
      MOBILENET,
      '--ckpt',
      onnxFile,
      '--output',
      path.join(out, 'x.bin'),
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('must end in .onnx');
  });
});

/** Detections of the tfjs path, reused below as ground truth for `ssd test`. */
let viaTfjs: Entry[] = [];

describe('ssd demo with an .onnx checkpoint', () => {
  const demo = (ckpt: string, dir: string): Entry[] => {
    const r = ssd(
      'demo',
      ...['--config-file', MOBILENET, '--ckpt', ckpt, '--images_dir', IMAGES, '--output_dir', dir],
      ...['--score_threshold', '0.9', 'MODEL.DEVICE', 'wasm'],
    );
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
  };

  it('gives the tfjs path’s detections', () => {
    viaTfjs = demo(path.join(REFERENCE, 'mobilenet_v2_ssd320_random.pth'), path.join(out, 'tfjs'));
    const viaOnnx = demo(onnxFile, path.join(out, 'onnx'));
    expect(viaOnnx.map((e) => e.image)).toEqual(viaTfjs.map((e) => e.image));
    let compared = 0;
    for (const [i, want] of viaTfjs.entries()) {
      const got = viaOnnx[i]!.detections;
      expect(got).toHaveLength(want.detections.length);
      // This random model's logits run to the hundreds: float32 rounding moves scores by up to ~1e-5, and at
      // the top-100 cap's lowest score a near-tie may pick another box.
      const cut = Math.min(...want.detections.map((d) => d.score)) + 1e-4;
      for (const d of want.detections.filter((w) => w.score > cut)) {
        const same = got.find(
          (g) =>
            g.label_id === d.label_id &&
            Math.abs(g.score - d.score) < 1e-4 &&
            // Random regressions give boxes far beyond the image, where exp() scales float32 rounding up.
            g.box.every((v, k) => Math.abs(v - d.box[k]!) < 0.05 + 1e-4 * Math.abs(d.box[k]!)),
        );
        expect({ image: want.image, ...d, found: same !== undefined }).toEqual({
          image: want.image,
          ...d,
          found: true,
        });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });
});

/** A VOC-layout data set of the demo images whose objects are the tfjs path's most confident detections. */
function writeDemoDataset(dir: string, entries: Entry[]): void {
  mkdirSync(path.join(dir, 'JPEGImages'), { recursive: true });
  mkdirSync(path.join(dir, 'Annotations'), { recursive: true });
  mkdirSync(path.join(dir, 'ImageSets', 'Main'), { recursive: true });
  const ids = entries.map((e) => e.image.replace(/\.jpg$/, ''));
  writeFileSync(path.join(dir, 'ImageSets', 'Main', 'test.txt'), `${ids.join('\n')}\n`);
  for (const [i, e] of entries.entries()) {
    copyFileSync(path.join(IMAGES, e.image), path.join(dir, 'JPEGImages', e.image));
    const objects = e.detections
      .filter((d) => d.score > 0.995)
      .map((d) => {
        const [x1, y1, x2, y2] = d.box.map(
          (v, k) => Math.round(Math.min(Math.max(v, 0), (k % 2 ? e.height : e.width) - 1)) + 1,
        );
        return `<object><name>${VOC_CLASSES[d.label_id]}</name><difficult>0</difficult><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`;
      });
    writeFileSync(
      path.join(dir, 'Annotations', `${ids[i]}.xml`),
      `<annotation><size><width>${e.width}</width><height>${e.height}</height><depth>3</depth></size>${objects.join('')}</annotation>\n`,
    );
  }
}

describe('ssd test with an .onnx checkpoint', () => {
  it('writes the tfjs path’s metrics', () => {
    expect(viaTfjs.length).toBe(5);
    const data = path.join(out, 'demo-voc');
    writeDemoDataset(data, viaTfjs);
    const cfg = structuredClone(loadConfig(MOBILENET));
    cfg.DATASETS.TEST = ['demo_test'];
    cfg.DATASETS.CATALOG = { demo_test: { FORMAT: 'voc', DATA_DIR: data, SPLIT: 'test' } };
    cfg.MODEL.DEVICE = 'wasm';
    cfg.DATA_LOADER.NUM_WORKERS = 0;
    cfg.TEST.BATCH_SIZE = 2;
    const configFile = path.join(out, 'demo-voc.yaml');
    writeFileSync(configFile, dumpConfig(cfg));
    const metrics = (ckptFile: string, dir: string) => {
      const r = ssd('test', '--config-file', configFile, '--ckpt', ckptFile, '--output_dir', dir);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(readFileSync(path.join(dir, 'demo_test', 'metrics.json'), 'utf8')) as Record<
        string,
        number | null
      >;
    };
    const tfjs = metrics(path.join(REFERENCE, 'mobilenet_v2_ssd320_random.pth'), path.join(out, 'test-tfjs'));
    const onnx = metrics(onnxFile, path.join(out, 'test-onnx'));
    expect(Object.keys(onnx)).toEqual(Object.keys(tfjs));
    expect(tfjs.mAP).toBeGreaterThan(0.5);
    for (const [key, value] of Object.entries(tfjs)) {
      // Classes absent from the data have null AP.
      expect([key, onnx[key]]).toEqual([key, value === null ? null : expect.closeTo(value, 6)]);
    }
  });
});

describe('a broken or mismatched .onnx checkpoint', () => {
  it('ssd demo stops with one message naming the file, no stack trace', () => {
    const bad = path.join(out, 'garbage.onnx');
    writeFileSync(bad, 'not a protobuf');
    const r = ssd(
      'demo',
      ...[
        '--config-file',
        MOBILENET,
        '--ckpt',
        bad,
        '--images_dir',
        IMAGES,
        '--output_dir',
        path.join(out, 'bad'),
      ],
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`cannot load ONNX model ${bad}:`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('ssd test with another config names what does not fit', () => {
    const r = ssd('test', '--config-file', 'vgg_ssd300_voc0712', '--ckpt', onnxFile, 'MODEL.DEVICE', 'wasm');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      `${onnxFile} does not fit the config: its input is 320×320 but INPUT.IMAGE_SIZE is 300`,
    );
  });
});
