import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneConfig, loadConfig, type SSDConfig } from '@ssd/config';
import { buildDetectionModel, PRETRAINED_SOURCES, type SSDDetector } from '@ssd/modeling';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import * as tf from '@tensorflow/tfjs-core';
import { initBackboneFromPretrained, MIRROR_ENV, type TorchTensor } from '../src';
import { cacheFileName } from '../src/checkpoint/download';
import { type FileServer, startFileServer } from './helpers/file-server';
import { readListing, standInFile, standInTensors } from './helpers/pretrained-stand-in';

const CONFIGS = path.resolve(__dirname, '../../../configs');
const tmp = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));

function config(name: string, overrides: string[] = []): SSDConfig {
  return cloneConfig(loadConfig(path.join(CONFIGS, `${name}.yaml`), ['MODEL.DEVICE', 'js', ...overrides]));
}

/** Whether our variable holds `src` in tfjs layout: conv OIHW → HWIO, depthwise [C,1,kh,kw] → [kh,kw,C,1], linear [O,I] → [I,O]. */
function placedCorrectly(ours: tf.Variable, src: TorchTensor): boolean {
  const got = ours.dataSync();
  const want = src.data instanceof BigInt64Array ? Array.from(src.data, Number) : src.data;
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((v, i) => v === b[i]);
  if (src.shape.length === 4) {
    const [a, b, h, w] = src.shape;
    const conv = same(ours.shape, [h, w, b, a]);
    if (!conv && !same(ours.shape, [h, w, a, b])) return false;
    for (let o = 0; o < a; o++)
      for (let i = 0; i < b; i++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const dst = conv ? ((y * w + x) * b + i) * a + o : ((y * w + x) * a + o) * b + i;
            if (got[dst] !== want[((o * b + i) * h + y) * w + x]) return false;
          }
    return true;
  }
  if (src.shape.length === 2) {
    const [o, i] = src.shape;
    if (!same(ours.shape, [i, o])) return false;
    for (let r = 0; r < o; r++)
      for (let c = 0; c < i; c++) if (got[c * o + r] !== want[r * i + c]) return false;
    return true;
  }
  return same(ours.shape, src.shape) && Array.from(got).every((v, j) => v === Number(want[j]));
}

/** Copies of every model tensor, to tell later which ones changed. */
function snapshot(model: SSDDetector): Map<string, Float32Array | Int32Array> {
  return new Map(
    [...model.stateDict()].map(([k, v]) => [k, v.dataSync().slice() as Float32Array | Int32Array]),
  );
}

function changedKeys(model: SSDDetector, before: Map<string, Float32Array | Int32Array>): string[] {
  return [...model.stateDict()]
    .filter(([k, v]) => {
      const now = v.dataSync();
      const then = before.get(k)!;
      return now.some((x, i) => x !== then[i]);
    })
    .map(([k]) => k);
}

/**
 * Loads a stand-in of `fileName` with `cfg` and checks the reference's rules: exactly `expectLoaded` model
 * keys change, each holding its source tensor (under `under`) in our layout; everything else keeps its value.
 */
async function loadAndCheck(
  cfg: SSDConfig,
  tensors: Map<string, TorchTensor>,
  under: string,
  options: Parameters<typeof initBackboneFromPretrained>[2],
) {
  const model = buildDetectionModel(cfg);
  try {
    const before = snapshot(model);
    const result = await initBackboneFromPretrained(model, cfg, options);
    const expected = [...tensors.keys()].map((k) => under + k).filter((k) => model.stateDict().has(k));
    expect(result?.loaded.sort()).toEqual([...expected].sort());
    // num_batches_tracked stand-ins equal k + 1, never 0, so every loaded key changes.
    expect(changedKeys(model, before).sort()).toEqual([...expected].sort());
    const misplaced = expected.filter(
      (k) => !placedCorrectly(model.stateDict().get(k)!, tensors.get(k.slice(under.length))!),
    );
    expect(misplaced).toEqual([]);
    return result!;
  } finally {
    model.dispose();
  }
}

let server: FileServer;
const savedMirror = process.env[MIRROR_ENV];
beforeAll(async () => {
  await tf.setBackend('cpu');
  server = await startFileServer();
});
afterAll(() => server.close());
afterEach(() => {
  if (savedMirror === undefined) delete process.env[MIRROR_ENV];
  else process.env[MIRROR_ENV] = savedMirror;
});

describe('MODEL.BACKBONE.PRETRAINED', () => {
  it('vgg_ssd300_voc0712: downloads vgg16_reducedfc.pth through an http SSD_MIRROR and loads it strictly into backbone.vgg', async () => {
    const listing = readListing('vgg16_reducedfc.pth');
    const tensors = standInTensors(listing);
    server.files.set('/mirror/vgg16_reducedfc.pth', standInFile(tensors));
    process.env[MIRROR_ENV] = `${server.base}/mirror/`;
    const cacheDir = tmp('ssd-pretrained-cache-');
    const lines: string[] = [];
    const cfg = config('vgg_ssd300_voc0712');
    expect(cfg.MODEL.BACKBONE.PRETRAINED).toBe(true);
    const result = await loadAndCheck(cfg, tensors, 'backbone.vgg.', {
      cacheDir,
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(result.loaded).toHaveLength(30);
    // Cached under a hash of the source's URL (not the mirror's), then the file name.
    const cached = path.join(cacheDir, cacheFileName(PRETRAINED_SOURCES.get('vgg').url));
    expect(path.basename(cached)).toMatch(/^[0-9a-f]{16}-vgg16_reducedfc\.pth$/);
    expect(lines[0]).toBe(`Downloading ${server.base}/mirror/vgg16_reducedfc.pth to ${cached}`);
    expect(lines[1]).toBe(
      `Loaded pretrained weights for backbone 'vgg' (VGG16 (fc reduced), ImageNet) from ${cached}: 30 tensors into backbone.vgg`,
    );
    // Downloaded once: a second run reads the cache, even with the mirror gone.
    const hits = server.hits.length;
    delete process.env[MIRROR_ENV];
    const again: string[] = [];
    await loadAndCheck(cfg, tensors, 'backbone.vgg.', {
      cacheDir,
      progress: false,
      log: (l) => again.push(l),
    });
    expect(server.hits.length).toBe(hits);
    expect(again).toHaveLength(1);
  });

  it('vgg loads strictly, as the reference does: a file lacking a layer is refused by name and nothing changes', async () => {
    const tensors = standInTensors(readListing('vgg16_reducedfc.pth'));
    tensors.delete('33.bias');
    const dir = tmp('ssd-pretrained-');
    const file = path.join(dir, 'partial.pth');
    writeFileSync(file, standInFile(tensors));
    const cfg = config('vgg_ssd300_voc0712', ['MODEL.BACKBONE.WEIGHTS', file]);
    const model = buildDetectionModel(cfg);
    try {
      const before = snapshot(model);
      await expect(initBackboneFromPretrained(model, cfg, { log: () => {} })).rejects.toThrow(
        `${file} does not match the model: missing: backbone.vgg.33.bias`,
      );
      expect(changedKeys(model, before)).toEqual([]);
    } finally {
      model.dispose();
    }
  });

  it('mobilenet_v2: a stand-in under the real name fails the hash check that name carries, and is not kept', async () => {
    const mirror = tmp('ssd-mirror-');
    writeFileSync(
      path.join(mirror, 'mobilenet_v2-b0353104.pth'),
      standInFile(standInTensors(readListing('mobilenet_v2-b0353104.pth'))),
    );
    process.env[MIRROR_ENV] = mirror;
    const cacheDir = tmp('ssd-pretrained-cache-');
    const cfg = config('mobilenet_v2_ssd320_voc0712');
    const model = buildDetectionModel(cfg);
    try {
      await expect(
        initBackboneFromPretrained(model, cfg, { cacheDir, progress: false, log: () => {} }),
      ).rejects.toThrow(
        /^mobilenet_v2-b0353104\.pth from .*mobilenet_v2-b0353104\.pth failed its hash check: sha256 [0-9a-f]{64} does not start with b0353104$/,
      );
      expect(readdirSync(cacheDir)).toEqual([]);
    } finally {
      model.dispose();
    }
  });

  it('mobilenet_v2 (MODEL.BACKBONE.WEIGHTS as a URL): torchvision features load by name with strict=False; classifier unused, extras untouched', async () => {
    const tensors = standInTensors(readListing('mobilenet_v2-b0353104.pth'));
    server.files.set('/weights/mobilenet_v2-imagenet.pth', standInFile(tensors));
    const lines: string[] = [];
    const cfg = config('mobilenet_v2_ssd320_voc0712', [
      'MODEL.BACKBONE.WEIGHTS',
      `${server.base}/weights/mobilenet_v2-imagenet.pth`,
    ]);
    const result = await loadAndCheck(cfg, tensors, 'backbone.', {
      cacheDir: tmp('ssd-pretrained-cache-'),
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(result.loaded).toHaveLength(312);
    expect(result.unexpected).toEqual(['classifier.1.weight', 'classifier.1.bias']);
    expect(result.missing.every((k) => k.startsWith('backbone.extras.'))).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^Loaded pretrained weights for backbone 'mobilenet_v2' \(torchvision MobileNetV2, ImageNet\) from .*mobilenet_v2-imagenet\.pth: 312 tensors into backbone; 72 left at their initial values \(backbone\.extras\.0\.conv\.0\.0\.weight, .*; 2 in the file unused \(classifier\.1\.weight, classifier\.1\.bias\)$/,
    );
  });

  it("mobilenet_v3: only features.0-15 match d-li14's names; the file's last conv ('conv') does not reach features.16", async () => {
    const tensors = standInTensors(readListing('mobilenetv3-large-1cd25616.pth'));
    const file = path.join(tmp('ssd-pretrained-'), 'mbv3.pth');
    writeFileSync(file, standInFile(tensors));
    const cfg = config('mobilenet_v3_ssd320_voc0712', ['MODEL.BACKBONE.WEIGHTS', file]);
    const result = await loadAndCheck(cfg, tensors, 'backbone.', { log: () => {} });
    expect(result.loaded).toHaveLength(302);
    expect(result.missing.filter((k) => !k.startsWith('backbone.extras.'))).toEqual(
      ['0.weight', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked'].map(
        (k) => `backbone.features.16.${k}`,
      ),
    );
    expect(result.unexpected.filter((k) => k.startsWith('conv.'))).toHaveLength(6);
  });

  it('efficient_net-b3: stem and blocks load by name; the head (_conv_head, _bn1, _fc) is unused', async () => {
    const tensors = standInTensors(readListing('efficientnet-b3-c8376fa2.pth'));
    const file = path.join(tmp('ssd-pretrained-'), 'effnet.pth');
    writeFileSync(file, standInFile(tensors));
    const cfg = config('efficient_net_b3_ssd300_voc0712', ['MODEL.BACKBONE.WEIGHTS', file]);
    const result = await loadAndCheck(cfg, tensors, 'backbone.', { log: () => {} });
    expect(result.loaded).toHaveLength(566);
    expect(result.unexpected.map((k) => k.split('.')[0]).filter((v, i, a) => a.indexOf(v) === i)).toEqual([
      '_conv_head',
      '_bn1',
      '_fc',
    ]);
    expect(result.missing.every((k) => k.startsWith('backbone.extras.'))).toBe(true);
  });

  it('a plug-in backbone that registers its own source loads it the same way', async () => {
    const project = await writeToyProject();
    const cfg = toyConfig(project, ['MODEL.DEVICE', 'js']);
    // The plug-in's file: its first conv and BatchNorm, in PyTorch layout (OIHW), plus a classifier.
    const tensors = new Map<string, TorchTensor>([
      [
        'stages.0.0.weight',
        {
          shape: [16, 3, 3, 3],
          dtype: 'float32',
          data: Float32Array.from({ length: 432 }, (_, i) => i / 432),
        },
      ],
      [
        'stages.0.1.running_mean',
        { shape: [16], dtype: 'float32', data: Float32Array.from({ length: 16 }, (_, i) => i + 1) },
      ],
      ['fc.weight', { shape: [10, 4], dtype: 'float32', data: new Float32Array(40) }],
    ]);
    server.files.set('/toy/toy-imagenet.pth', standInFile(tensors));
    PRETRAINED_SOURCES.register(cfg.MODEL.BACKBONE.NAME, {
      url: `${server.base}/toy/toy-imagenet.pth`,
      description: 'toy ImageNet',
      under: 'backbone.',
      strict: false,
    });
    const lines: string[] = [];
    const result = await loadAndCheck(cfg, tensors, 'backbone.', {
      cacheDir: tmp('ssd-pretrained-cache-'),
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(result.unexpected).toEqual(['fc.weight']);
    expect(lines.at(-1)).toMatch(
      /^Loaded pretrained weights for backbone 'toy_backbone' \(toy ImageNet\) from .*toy-imagenet\.pth: 2 tensors into backbone; \d+ left at their initial values/,
    );
  });

  it('says why no weights were loaded: PRETRAINED off, or a backbone without known weights', async () => {
    const lines: string[] = [];
    const off = config('mobilenet_v2_ssd320_voc0712', ['MODEL.BACKBONE.PRETRAINED', 'False']);
    const model = buildDetectionModel(off);
    try {
      expect(await initBackboneFromPretrained(model, off, { log: (l) => lines.push(l) })).toBeUndefined();
      const plugin = cloneConfig(off);
      plugin.MODEL.BACKBONE.PRETRAINED = true;
      plugin.MODEL.BACKBONE.NAME = 'my_plugin_backbone';
      expect(await initBackboneFromPretrained(model, plugin, { log: (l) => lines.push(l) })).toBeUndefined();
    } finally {
      model.dispose();
    }
    expect(lines).toEqual([
      'No pretrained backbone weights: MODEL.BACKBONE.PRETRAINED is False; the backbone starts from random initial weights',
      "No pretrained backbone weights: backbone 'my_plugin_backbone' has no known ImageNet weights (its package can register them in PRETRAINED_SOURCES, or set MODEL.BACKBONE.WEIGHTS to a file or URL); the backbone starts from random initial weights",
    ]);
  });

  it('refuses a WEIGHTS file that is missing, or whose keys match nothing in the backbone', async () => {
    const cfg = config('mobilenet_v2_ssd320_voc0712', ['MODEL.BACKBONE.WEIGHTS', '/no/such/weights.pth']);
    const model = buildDetectionModel(cfg);
    try {
      await expect(initBackboneFromPretrained(model, cfg, { log: () => {} })).rejects.toThrow(
        'MODEL.BACKBONE.WEIGHTS: file not found: /no/such/weights.pth',
      );
      const dir = tmp('ssd-pretrained-');
      mkdirSync(dir, { recursive: true });
      const wrong = path.join(dir, 'vgg.pth');
      writeFileSync(wrong, standInFile(standInTensors(readListing('vgg16_reducedfc.pth'))));
      cfg.MODEL.BACKBONE.WEIGHTS = wrong;
      await expect(initBackboneFromPretrained(model, cfg, { log: () => {} })).rejects.toThrow(
        `${wrong}: none of its tensors match backbone 'mobilenet_v2' by name (its keys look like 0.weight, 0.bias, 2.weight); is it the right file for this backbone?`,
      );
    } finally {
      model.dispose();
    }
  });
});
