import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Checkpointer,
  initBackend,
  loadTrainingCheckpoint,
  modelStateRecords,
  saveTrainingCheckpoint,
  writeFileAtomic,
} from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import type { ToyProject } from '@ssd-test/custom-backbone';
import { toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import * as tf from '@tensorflow/tfjs-core';
import { MetricsFile, NonFiniteLossError, preflight, train } from '../src';
import { LOCK_FILE, lockOutputDir, withOutputLock } from '../src/train/output-lock';

// The hostile-input suite for training: corrupt resume checkpoints, pointers, locks, full disks and
// data sets that cannot train. Each ends in one message naming the file, key or data set.

const dir = () => mkdtempSync(path.join(tmpdir(), 'ssd-hostile-'));

let data: ToyProject;
beforeAll(async () => {
  data = await writeToyProject();
});

describe('hostile resume checkpoints', () => {
  /** A safetensors file with the given JSON header and `dataBytes` zero bytes of data. */
  function safetensors(header: unknown, dataBytes = 8): string {
    const file = path.join(dir(), 'model_000010.safetensors');
    const json = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(file, Buffer.concat([length, json, Buffer.alloc(dataBytes)]));
    return file;
  }
  const meta = { format: 'ssd-ts.checkpoint.v1', iteration: '10' };
  const w = (entry: object) => ({ __metadata__: meta, 'model.w': { dtype: 'F32', ...entry } });

  it.each([
    [
      'a shape that is not a list',
      w({ shape: 'abc', data_offsets: [0, 8] }),
      'tensor \'model.w\' has a bad shape "abc"',
    ],
    [
      'a shape of 10^20 elements',
      w({ shape: [1e10, 1e10], data_offsets: [0, 8] }),
      "tensor 'model.w' size does not match its shape",
    ],
    [
      'negative data offsets',
      w({ shape: [2], data_offsets: [-8, 0] }),
      "tensor 'model.w' has bad data_offsets [-8,0]",
    ],
    [
      'offsets past the end',
      w({ shape: [2], data_offsets: [0, 800] }),
      "tensor 'model.w' runs past the end of the file",
    ],
    [
      'an unknown dtype',
      { 'model.w': { dtype: 'F8', shape: [2], data_offsets: [0, 8] } },
      "tensor 'model.w' has unsupported dtype F8",
    ],
    ['a header that is a list', [1, 2], 'header is not a JSON object'],
    ['a tensor described by a number', { 'model.w': 3 }, "tensor 'model.w' has no description"],
    ['metadata that is not strings', { __metadata__: { iteration: 10 } }, 'metadata is not a map of strings'],
    ['a bad iteration', { __metadata__: { ...meta, iteration: 'ten' } }, "iteration 'ten'"],
    [
      'a bad scheduler state',
      { __metadata__: { ...meta, scheduler: '{"lastEpoch":' } },
      'scheduler state is not JSON',
    ],
    [
      'a scheduler state without an epoch',
      { __metadata__: { ...meta, scheduler: '{}' } },
      'scheduler state {}',
    ],
    [
      'a non-numeric learning rate',
      { __metadata__: { ...meta, optimizer_lr: 'fast' } },
      "optimizer_lr 'fast'",
    ],
  ])('refuses %s, naming the file', (_, header, message) => {
    const file = safetensors(header);
    expect(() => loadTrainingCheckpoint(file)).toThrow(message);
    expect(() => loadTrainingCheckpoint(file)).toThrow(file);
  });

  it('refuses a header length beyond the file without reading it', () => {
    const file = path.join(dir(), 'x.safetensors');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(2n ** 62n);
    writeFileSync(file, length);
    expect(() => loadTrainingCheckpoint(file)).toThrow(
      `${file}: not a valid checkpoint (header of 4611686018427387904 bytes is longer than the file`,
    );
  });

  it('a resume checkpoint whose optimizer state fits no parameter names the file and leaks no tensors', async () => {
    const cfg = toyConfig(data);
    await initBackend('js', () => {});
    const model = buildDetectionModel(cfg);
    const records = await modelStateRecords(model);
    model.dispose();
    const momentumBuffers = { nope: { shape: [1], values: new Float32Array(1) } };
    new Checkpointer(cfg.OUTPUT_DIR).save('model_000001', {
      model: records,
      optimizer: { lr: 0.01, momentumBuffers },
      iteration: 1,
    });
    const before = tf.memory().numTensors;
    await expect(train(cfg, { log: () => {}, progress: false, keepBackend: true })).rejects.toThrow(
      `${path.join(cfg.OUTPUT_DIR, 'model_000001.safetensors')}: optimizer state has a momentum buffer for unknown parameter 'nope'`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an emptied last_checkpoint is an error naming it and the newest checkpoint, not a silent restart', async () => {
    const cfg = toyConfig(data);
    const state = { model: new Map(), iteration: 3 };
    saveTrainingCheckpoint(path.join(cfg.OUTPUT_DIR, 'model_000003.safetensors'), state);
    saveTrainingCheckpoint(path.join(cfg.OUTPUT_DIR, 'model_000006.safetensors'), state);
    const pointer = path.join(cfg.OUTPUT_DIR, 'last_checkpoint');
    writeFileSync(pointer, '\n');
    writeFileSync(path.join(cfg.OUTPUT_DIR, 'metrics.jsonl'), '{"type":"train","iter":5}\n');
    await expect(train(cfg, { log: () => {}, progress: false })).rejects.toThrow(
      `${pointer} is empty: write into it the checkpoint to resume from (the newest is model_000006.safetensors), or delete it to start afresh`,
    );
    // Nothing was truncated.
    expect(readFileSync(path.join(cfg.OUTPUT_DIR, 'metrics.jsonl'), 'utf8')).toContain('"iter":5');
  });
});

describe('hostile output directories', () => {
  it('one lock per OUTPUT_DIR: a second run is refused, naming the holder', () => {
    const out = dir();
    const lock = lockOutputDir(out, () => {});
    expect(() => lockOutputDir(out, () => {})).toThrow(
      new RegExp(
        `another training run uses OUTPUT_DIR ${out} \\(pid ${process.pid} on .*lock ${path.join(out, LOCK_FILE)}`,
      ),
    );
    lock.release();
    expect(readdirSync(out)).toEqual([]);
    lockOutputDir(out, () => {}).release();
  });

  it('takes over the lock of a process that is gone, saying so', () => {
    const out = dir();
    // A pid above the kernel's pid_max (at most 2^22) names no process.
    const dead = { pid: 2 ** 22 + 1, host: require('node:os').hostname(), started: '2026-01-01T00:00:00Z' };
    writeFileSync(path.join(out, LOCK_FILE), JSON.stringify(dead));
    const lines: string[] = [];
    const lock = lockOutputDir(out, (l) => lines.push(l));
    expect(lines).toEqual([
      expect.stringContaining(`Removing the stale lock ${path.join(out, LOCK_FILE)} (pid ${dead.pid}`),
    ]);
    lock.release();
  });

  it('does not take the lock of another host, or a lock it cannot read', () => {
    const out = dir();
    const file = path.join(out, LOCK_FILE);
    writeFileSync(file, JSON.stringify({ pid: 1, host: 'elsewhere', started: 'now' }));
    expect(() => lockOutputDir(out, () => {})).toThrow('pid 1 on elsewhere');
    writeFileSync(file, '');
    expect(() => lockOutputDir(out, () => {})).toThrow(`${file} exists but is not a valid lock`);
  });

  it('deletes the temporary files of killed saves before training, and says so', async () => {
    const out = dir();
    writeFileSync(path.join(out, '.model_000500.safetensors.4242.tmp'), Buffer.alloc(1024));
    writeFileSync(path.join(out, 'keep.txt'), 'x');
    const lines: string[] = [];
    await withOutputLock(
      out,
      (l) => lines.push(l),
      async () => {},
    );
    expect(readdirSync(out)).toEqual(['keep.txt']);
    expect(lines).toEqual([
      'Removed 1 unfinished write(s) of an earlier run: .model_000500.safetensors.4242.tmp',
    ]);
  });

  it('a full disk names the file being written and leaves no temporary file', () => {
    const out = dir();
    const file = path.join(out, 'model_000010.safetensors');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    // The module object itself (what the code under test calls through), not an import namespace.
    const spy = jest
      .spyOn(require('node:fs') as typeof import('node:fs'), 'writeSync')
      .mockImplementation(() => {
        throw full;
      });
    try {
      expect(() => writeFileAtomic(file, 'data')).toThrow(
        `cannot write ${file}: ENOSPC: no space left on device, write`,
      );
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(out)).toEqual([]);
    // /dev/full answers every write with ENOSPC.
    if (existsSync('/dev/full')) {
      expect(() => new MetricsFile('/dev/full').append({ type: 'train', iter: 1 })).toThrow(
        'cannot append to /dev/full: ENOSPC',
      );
    }
  });
});

describe('hostile data sets for training', () => {
  it.each([
    [
      'the training',
      ['MODEL.NUM_CLASSES', '5'],
      "MODEL.NUM_CLASSES is 5 but data set 'toy_train' has 6 classes",
    ],
    [
      'too many classes for the training',
      ['MODEL.NUM_CLASSES', '21'],
      "MODEL.NUM_CLASSES is 21 but data set 'toy_train' has 6 classes (background and 5: circle, square",
    ],
  ])('MODEL.NUM_CLASSES must match %s data set', (_, overrides, message) => {
    expect(() => preflight(toyConfig(data, overrides))).toThrow(message);
  });

  it('MODEL.NUM_CLASSES must match every test data set', () => {
    const cfg = toyConfig(data);
    cfg.DATASETS.CATALOG.toy_test!.CLASS_NAMES = ['circle', 'square'];
    expect(() => preflight(cfg)).toThrow("MODEL.NUM_CLASSES is 6 but data set 'toy_test' has 3 classes");
  });

  it('refuses VOC training data in which every image is empty, naming it', () => {
    const voc = path.join(data.dir, 'data');
    for (const id of ['empty1', 'empty2']) {
      writeFileSync(
        path.join(voc, 'Annotations', `${id}.xml`),
        `<annotation><size><width>32</width><height>32</height></size>${id === 'empty2' ? '<object><name>circle</name><difficult>1</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>' : ''}</annotation>`,
      );
    }
    writeFileSync(path.join(voc, 'ImageSets', 'Main', 'empties.txt'), 'empty1\nempty2\n');
    const cfg = toyConfig(data);
    cfg.DATASETS.CATALOG.toy_train!.SPLIT = 'empties';
    expect(() => preflight(cfg)).toThrow(
      'none of the 2 images of the training data (toy_train) has an object to learn from (no objects, or only difficult or crowd ones)',
    );
  });

  it('refuses COCO training data with only crowd boxes', () => {
    const coco = dir();
    const annFile = path.join(coco, 'crowd.json');
    writeFileSync(
      annFile,
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 32, height: 32 }],
        categories: ['circle', 'square', 'triangle', 'star', 'hexagon'].map((name, i) => ({
          id: i + 1,
          name,
        })),
        annotations: [{ image_id: 1, category_id: 1, bbox: [1, 1, 8, 8], iscrowd: 1 }],
      }),
    );
    mkdirSync(path.join(coco, 'img'));
    const cfg = toyConfig(data, ['DATASETS.TRAIN', '("crowd",)']);
    cfg.DATASETS.CATALOG.crowd = { FORMAT: 'coco', DATA_DIR: path.join(coco, 'img'), ANN_FILE: annFile };
    expect(() => preflight(cfg)).toThrow('none of the 1 images of the training data (crowd) has an object');
  });

  it('a non-finite loss names the likely causes without blaming only the learning rate', () => {
    const message = new NonFiniteLossError(
      7,
      { loss: Number.NaN, reg_loss: Number.NaN, cls_loss: 1 },
      undefined,
    ).message;
    expect(message).toMatch(/^loss is not finite at iteration 7 \(reg_loss NaN, cls_loss 1\)/);
    expect(message).toContain('images without objects');
    expect(message).toContain('if they are sound, the model diverged: try a lower SOLVER.LR');
  });
});

describe('the lock around train', () => {
  it('refuses to train in an OUTPUT_DIR another run holds', async () => {
    const cfg = toyConfig(data);
    const lock = lockOutputDir(cfg.OUTPUT_DIR, () => {});
    try {
      await expect(train(cfg, { log: () => {}, progress: false })).rejects.toThrow(
        `another training run uses OUTPUT_DIR ${cfg.OUTPUT_DIR}`,
      );
    } finally {
      lock.release();
    }
  });
});
