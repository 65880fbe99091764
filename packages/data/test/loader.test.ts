import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { defaultConfig, SHAPES_CLASSES, type SSDConfig } from '@ssd/config';
import {
  buildDataset,
  makeTestLoader,
  makeTrainLoader,
  type TestBatch,
  type TrainBatch,
  VOCDataset,
  writeShapesDataset,
} from '../src';
import { DEMO_IMAGES, REFERENCE, tempDir, writeVocSplit } from './helpers';

const tmp = tempDir('loader');
const shapesDir = path.join(tmp.dir, 'shapes');
afterAll(tmp.cleanup);

// 10 training images in batches of 4: each epoch is 4 + 4 + 2 images.
beforeAll(() => writeShapesDataset(shapesDir, { train: 10, test: 5, seed: 3 }));

function config(): SSDConfig {
  const cfg = defaultConfig();
  cfg.DATASETS.CATALOG = {
    toy_train: { FORMAT: 'voc', DATA_DIR: shapesDir, SPLIT: 'train', CLASS_NAMES: SHAPES_CLASSES.slice(1) },
    toy_test: { FORMAT: 'voc', DATA_DIR: shapesDir, SPLIT: 'test', CLASS_NAMES: SHAPES_CLASSES.slice(1) },
  };
  cfg.DATASETS.TRAIN = ['toy_train'];
  cfg.DATASETS.TEST = ['toy_test'];
  cfg.MODEL.NUM_CLASSES = SHAPES_CLASSES.length;
  cfg.SOLVER.BATCH_SIZE = 4;
  cfg.SOLVER.MAX_ITER = 5;
  cfg.TEST.BATCH_SIZE = 2;
  cfg.SEED = 11;
  return cfg;
}

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameTrain(a: TrainBatch[], b: TrainBatch[]): void {
  expect(a.map((x) => [x.iteration, x.indices])).toEqual(b.map((x) => [x.iteration, x.indices]));
  a.forEach((x, i) => {
    const y = b[i]!;
    expect(bytes(x.images).equals(bytes(y.images))).toBe(true);
    expect(bytes(x.locations).equals(bytes(y.locations))).toBe(true);
    expect(bytes(x.labels).equals(bytes(y.labels))).toBe(true);
  });
}

describe('training loader', () => {
  let inline: TrainBatch[] = [];

  test('yields MAX_ITER batches of images, locations and labels', async () => {
    const loader = makeTrainLoader(config(), { numWorkers: 0 });
    expect(loader.length).toBe(5);
    inline = await collect(loader);
    expect(inline.map((b) => b.iteration)).toEqual([0, 1, 2, 3, 4]);
    expect(inline.map((b) => b.batchSize)).toEqual([4, 4, 2, 4, 4]);
    // The first epoch covers every image once.
    expect(
      inline
        .slice(0, 3)
        .flatMap((b) => b.indices)
        .sort((x, y) => x - y),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const b of inline) {
      const n = b.batchSize;
      // SSD300's 8732 priors.
      expect(b.numPriors).toBe(8732);
      expect(b.imageSize).toBe(300);
      expect(b.images).toBeInstanceOf(Float32Array);
      expect(b.images.length).toBe(n * 300 * 300 * 3);
      expect(b.locations.length).toBe(n * 8732 * 4);
      expect(b.labels).toBeInstanceOf(Int32Array);
      expect(b.labels.length).toBe(n * 8732);
      expect(b.labels.every((l) => l >= 0 && l < SHAPES_CLASSES.length)).toBe(true);
      expect(b.images.every(Number.isFinite)).toBe(true);
    }
    // Augmentation varies; objects still get matched to priors in most images.
    const positives = inline.flatMap((b) =>
      Array.from({ length: b.batchSize }, (_, i) =>
        b.labels.subarray(i * 8732, (i + 1) * 8732).some((l) => l > 0),
      ),
    );
    expect(positives.filter(Boolean).length).toBeGreaterThan(positives.length / 2);
  });

  test('two workers give batches identical to the main thread', async () => {
    const workers = await collect(makeTrainLoader(config(), { numWorkers: 2 }));
    expectSameTrain(workers, inline);
  });

  test('resuming at iteration k gives the same batches from k on', async () => {
    const resumed = await collect(makeTrainLoader(config(), { numWorkers: 2, startIter: 3 }));
    expectSameTrain(resumed, inline.slice(3));
  });

  test('another seed gives other batches', async () => {
    const [first] = await collect(makeTrainLoader(config(), { numWorkers: 0, maxIter: 1, seed: 12 }));
    expect(bytes(first!.images).equals(bytes(inline[0]!.images))).toBe(false);
  });

  test('stopping early shuts the workers down', async () => {
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    try {
      let seen = 0;
      for await (const b of makeTrainLoader(config(), { numWorkers: 2, maxIter: 50 })) {
        seen += b.batchSize;
        break;
      }
      expect(seen).toBe(4);
      expect(terminate).toHaveBeenCalledTimes(2);
    } finally {
      terminate.mockRestore();
    }
  });

  test('a process that runs a loader with workers exits by itself', () => {
    // Built code, in a fresh process: it must end without anyone calling exit.
    const script = `
      const { makeTrainLoader } = require(${JSON.stringify(path.resolve(__dirname, '..', 'dist'))});
      const cfg = JSON.parse(process.argv[1]);
      (async () => {
        let n = 0;
        for await (const b of makeTrainLoader(cfg, { numWorkers: 2, maxIter: 2 })) n += b.batchSize;
        console.log('images', n);
      })();`;
    const run = spawnSync(process.execPath, ['-e', script, JSON.stringify(config())], {
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(run.stderr).toBe('');
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe('images 8');
  });
});

describe('test loader', () => {
  test('keeps order, ids and original sizes; the same with workers', async () => {
    const cfg = config();
    const dataset = buildDataset(cfg, cfg.DATASETS.TEST, false);
    const loader = makeTestLoader(cfg, dataset, { numWorkers: 0 });
    expect(loader.length).toBe(3);
    const batches = await collect(loader);
    expect(batches.map((b) => b.indices)).toEqual([[0, 1], [2, 3], [4]]);
    expect(batches.flatMap((b) => b.imageIds)).toEqual(['000010', '000011', '000012', '000013', '000014']);
    const sizes = batches.flatMap((b) => b.widths.map((w, i) => [w, b.heights[i]]));
    expect(sizes).toEqual(
      [0, 1, 2, 3, 4].map((i) => [dataset.getAnnotation(i).width, dataset.getAnnotation(i).height]),
    );
    for (const b of batches) expect(b.images.length).toBe(b.batchSize * 300 * 300 * 3);

    const withWorkers: TestBatch[] = await collect(makeTestLoader(cfg, dataset, { numWorkers: 2 }));
    expect(withWorkers.map((b) => b.imageIds)).toEqual(batches.map((b) => b.imageIds));
    withWorkers.forEach((b, i) => {
      expect(bytes(b.images).equals(bytes(batches[i]!.images))).toBe(true);
    });
  });

  test("matches the reference's network input for demo image 000342 (320×320)", async () => {
    const root = path.join(tmp.dir, 'demo');
    await writeVocSplit(root, 'test', [{ id: '000342', width: 500, height: 375, objects: [] }]);
    fs.copyFileSync(path.join(DEMO_IMAGES, '000342.jpg'), path.join(root, 'JPEGImages', '000342.jpg'));
    const cfg = config();
    cfg.INPUT.IMAGE_SIZE = 320;
    const [batch] = await collect(
      makeTestLoader(cfg, new VOCDataset({ dataDir: root, split: 'test' }), { numWorkers: 1 }),
    );
    expect([batch!.widths[0], batch!.heights[0]]).toEqual([500, 375]);
    const buf = fs.readFileSync(path.join(REFERENCE, 'mobilenet_v2_ssd320_input_nhwc.f32'));
    const expected = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    expect(batch!.images.length).toBe(expected.length);
    let maxDiff = 0;
    let differing = 0;
    for (let i = 0; i < expected.length; i++) {
      const d = Math.abs(batch!.images[i]! - expected[i]!);
      maxDiff = Math.max(maxDiff, d);
      if (d > 0) differing++;
    }
    // Same tolerance as the transforms' own check: a level here and there between JPEG decoders.
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(differing / expected.length).toBeLessThan(1e-3);
  });
});

describe('loader errors', () => {
  test('a corrupt image or annotation fails the loader with the file name', async () => {
    const root = path.join(tmp.dir, 'corrupt');
    await writeVocSplit(root, 'train', [
      { id: 'ok', width: 40, height: 40, objects: [{ name: 'dog', box: [5, 5, 30, 30] }] },
      { id: 'bad', width: 40, height: 40, objects: [{ name: 'dog', box: [5, 5, 30, 30] }] },
    ]);
    const file = path.join(root, 'JPEGImages', 'bad.jpg');
    fs.writeFileSync(file, 'definitely not a JPEG');
    const cfg = config();
    cfg.SOLVER.BATCH_SIZE = 2;
    const dataset = new VOCDataset({ dataDir: root, split: 'train' });
    for (const numWorkers of [0, 2]) {
      await expect(collect(makeTrainLoader(cfg, { dataset, numWorkers, maxIter: 3 }))).rejects.toThrow(
        `cannot decode image ${file}`,
      );
    }
    // A broken annotation stops the loader too, naming its file.
    const xml = path.join(root, 'Annotations', 'ok.xml');
    fs.writeFileSync(xml, '<annotation><size>');
    const broken = new VOCDataset({ dataDir: root, split: 'train' });
    await expect(
      collect(makeTrainLoader(cfg, { dataset: broken, numWorkers: 2, maxIter: 3 })),
    ).rejects.toThrow(`malformed annotation ${xml}`);
  });

  test('bad arguments are named', () => {
    expect(() => makeTrainLoader(config(), { startIter: 9 })).toThrow('startIter 9');
  });
});
