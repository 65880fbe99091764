import * as path from 'node:path';
import { COCO_CLASSES, defaultConfig, SHAPES_CLASSES, type SSDConfig, VOC_CLASSES } from '@ssd/config';
import {
  buildDataset,
  ConcatDataset,
  checkBuiltInRoot,
  DATASET_CATALOG,
  resolveDataset,
  VOCDataset,
} from '../src';
import { FIXTURES, tempDir, writeVocSplit } from './helpers';

function config(catalog: SSDConfig['DATASETS']['CATALOG'] = {}): SSDConfig {
  const cfg = defaultConfig();
  cfg.DATASETS.CATALOG = catalog;
  return cfg;
}

describe('resolveDataset', () => {
  test('knows the reference names and COCO 2017', () => {
    for (const name of [
      'voc_2007_train',
      'voc_2007_val',
      'voc_2007_trainval',
      'voc_2007_test',
      'voc_2012_train',
      'voc_2012_val',
      'voc_2012_trainval',
      'voc_2012_test',
      'coco_2014_train',
      'coco_2014_valminusminival',
      'coco_2014_minival',
      'coco_2014_val',
      'coco_2017_train',
      'coco_2017_val',
      'shapes_train',
      'shapes_test',
    ]) {
      expect(DATASET_CATALOG[name]).toBeDefined();
    }
  });

  test('VOC and COCO names resolve under VOC_ROOT / COCO_ROOT, default "datasets"', () => {
    expect(resolveDataset('voc_2012_trainval', config(), {})).toEqual({
      name: 'voc_2012_trainval',
      format: 'voc',
      dataDir: path.join('datasets', 'VOC2012'),
      split: 'trainval',
      classNames: VOC_CLASSES,
    });
    expect(resolveDataset('voc_2007_test', config(), { VOC_ROOT: '/data/voc' }).dataDir).toBe(
      '/data/voc/VOC2007',
    );
    expect(resolveDataset('coco_2014_minival', config(), { COCO_ROOT: '/data/coco' })).toEqual({
      name: 'coco_2014_minival',
      format: 'coco',
      dataDir: '/data/coco/val2014',
      annFile: '/data/coco/annotations/instances_minival2014.json',
      classNames: COCO_CLASSES,
    });
    expect(resolveDataset('coco_2017_train', config(), {}).annFile).toBe(
      path.join('datasets', 'annotations', 'instances_train2017.json'),
    );
  });

  test('shapes resolve under SHAPES_ROOT, default datasets/shapes, with their own classes', () => {
    const src = resolveDataset('shapes_test', config(), {});
    expect(src.dataDir).toBe(path.join('datasets', 'shapes'));
    expect(src.split).toBe('test');
    expect(src.classNames).toEqual(SHAPES_CLASSES);
    expect(resolveDataset('shapes_train', config(), { SHAPES_ROOT: '/x/shapes' }).dataDir).toBe('/x/shapes');
  });

  test('DATASETS.CATALOG entries come first and keep their paths', () => {
    const cfg = config({
      fruit_train: { FORMAT: 'voc', DATA_DIR: 'my/fruit', SPLIT: 'train', CLASS_NAMES: ['apple', 'pear'] },
      fruit_coco: { FORMAT: 'coco', DATA_DIR: 'my/img', ANN_FILE: 'my/ann.json' },
      voc_2007_test: { FORMAT: 'voc', DATA_DIR: 'mine', SPLIT: 'test' },
    });
    expect(resolveDataset('fruit_train', cfg, {})).toEqual({
      name: 'fruit_train',
      format: 'voc',
      dataDir: 'my/fruit',
      split: 'train',
      classNames: ['apple', 'pear'],
    });
    expect(resolveDataset('fruit_coco', cfg, {})).toEqual({
      name: 'fruit_coco',
      format: 'coco',
      dataDir: 'my/img',
      annFile: 'my/ann.json',
    });
    expect(resolveDataset('voc_2007_test', cfg, {}).dataDir).toBe('mine');
  });

  test('unknown names and incomplete specs are errors naming them', () => {
    expect(() => resolveDataset('voc_2099_test', config(), {})).toThrow("unknown data set 'voc_2099_test'");
    const cfg = config({
      a: { FORMAT: 'voc', DATA_DIR: 'x' },
      b: { FORMAT: 'coco', DATA_DIR: 'x' },
    });
    expect(() => resolveDataset('a', cfg, {})).toThrow('DATASETS.CATALOG.a.SPLIT is required');
    expect(() => resolveDataset('b', cfg, {})).toThrow('DATASETS.CATALOG.b.ANN_FILE is required');
  });
});

describe('buildDataset', () => {
  const tmp = tempDir('catalog');
  afterAll(tmp.cleanup);

  test('builds user data sets from config alone; several training sets concatenate', async () => {
    const a = path.join(tmp.dir, 'a');
    const b = path.join(tmp.dir, 'b');
    await writeVocSplit(a, 'train', [
      { id: 'a0', width: 10, height: 10, objects: [{ name: 'pear', box: [1, 1, 4, 4] }] },
      { id: 'a1', width: 10, height: 10, objects: [{ name: 'apple', box: [2, 2, 4, 4], difficult: 1 }] },
    ]);
    await writeVocSplit(b, 'train', [
      { id: 'b0', width: 10, height: 10, objects: [{ name: 'apple', box: [1, 1, 9, 9] }] },
    ]);
    const cfg = config({
      a: { FORMAT: 'voc', DATA_DIR: a, SPLIT: 'train', CLASS_NAMES: ['apple', 'pear'] },
      b: { FORMAT: 'voc', DATA_DIR: b, SPLIT: 'train', CLASS_NAMES: ['apple', 'pear'] },
      other: { FORMAT: 'voc', DATA_DIR: b, SPLIT: 'train', CLASS_NAMES: ['apple', 'plum'] },
    });

    const train = buildDataset(cfg, ['a', 'b'], true);
    expect(train).toBeInstanceOf(ConcatDataset);
    expect(train.length).toBe(3);
    expect(train.classNames).toEqual(['__background__', 'apple', 'pear']);
    expect(train.imageId(2)).toBe('b0');
    expect(train.imagePath(2)).toBe(path.join(b, 'JPEGImages', 'b0.jpg'));
    expect(Array.from(train.getTarget(0).labels)).toEqual([2]);
    // Training drops the difficult apple; testing keeps it.
    expect(train.getTarget(1).labels).toHaveLength(0);
    expect(Array.from(buildDataset(cfg, ['a'], false).getTarget(1).labels)).toEqual([1]);
    expect(Array.from(train.getAnnotation(1).difficult)).toEqual([1]);
    expect((await train.getItem(2)).imageId).toBe('b0');

    expect(() => buildDataset(cfg, ['a', 'other'], true)).toThrow('other has classes');
    expect(() => buildDataset(cfg, [], true)).toThrow('DATASETS.TRAIN is empty');
  });

  test('builds the checked-in samples as catalog entries', () => {
    const cfg = config({
      voc_sample: { FORMAT: 'voc', DATA_DIR: path.join(FIXTURES, 'voc'), SPLIT: 'test' },
      coco_sample: {
        FORMAT: 'coco',
        DATA_DIR: path.join(FIXTURES, 'coco', 'images'),
        ANN_FILE: path.join(FIXTURES, 'coco', 'instances.json'),
      },
    });
    const voc = buildDataset(cfg, ['voc_sample'], false);
    expect(voc).toBeInstanceOf(VOCDataset);
    expect(voc.classNames).toEqual(VOC_CLASSES);
    // Test-time VOC keeps difficult objects.
    expect(voc.getTarget(0).labels).toHaveLength(2);
    const coco = buildDataset(cfg, ['coco_sample'], true);
    expect(coco.length).toBe(2);
    expect(coco.imageId(0)).toBe(139);
  });
});

describe('a built-in data set that is not on disk', () => {
  const tmp = tempDir('roots');
  afterAll(tmp.cleanup);

  test('VOC: the error names the missing folder and says to set VOC_ROOT', () => {
    const root = path.join(tmp.dir, 'no-voc');
    expect(() => checkBuiltInRoot('voc_2007_trainval', config(), { VOC_ROOT: root })).toThrow(
      `data set 'voc_2007_trainval': ${path.join(root, 'VOC2007')} does not exist (VOC_ROOT is '${root}'); ` +
        'set VOC_ROOT to the folder holding VOC2007/ and VOC2012/ (the unpacked VOCdevkit)',
    );
    expect(() => checkBuiltInRoot('voc_2012_test', config(), {})).toThrow(
      `${path.join('datasets', 'VOC2012')} does not exist (VOC_ROOT is not set; the default root is 'datasets')`,
    );
  });

  test('COCO: the missing annotation file, then COCO_ROOT', () => {
    const root = path.join(tmp.dir, 'coco');
    expect(() => checkBuiltInRoot('coco_2014_minival', config(), { COCO_ROOT: root })).toThrow(
      `data set 'coco_2014_minival': ${path.join(root, 'annotations', 'instances_minival2014.json')} does not exist ` +
        `(COCO_ROOT is '${root}'); set COCO_ROOT to the folder holding annotations/`,
    );
  });

  test('passes when the folder exists, and leaves DATASETS.CATALOG names to their own paths', async () => {
    await writeVocSplit(path.join(tmp.dir, 'voc', 'VOC2007'), 'test', [
      { id: 'x', width: 10, height: 10, objects: [{ name: 'cat', box: [1, 1, 4, 4] }] },
    ]);
    expect(() =>
      checkBuiltInRoot('voc_2007_test', config(), { VOC_ROOT: path.join(tmp.dir, 'voc') }),
    ).not.toThrow();
    const mine = config({
      voc_2007_test: { FORMAT: 'voc', DATA_DIR: path.join(tmp.dir, 'nowhere'), SPLIT: 'test' },
    });
    expect(() => checkBuiltInRoot('voc_2007_test', mine, {})).not.toThrow();
  });

  test('buildDataset checks it under the environment', () => {
    const saved = process.env.VOC_ROOT;
    process.env.VOC_ROOT = path.join(tmp.dir, 'missing');
    try {
      expect(() => buildDataset(config(), ['voc_2007_test'], false)).toThrow(
        'set VOC_ROOT to the folder holding VOC2007/',
      );
    } finally {
      if (saved === undefined) delete process.env.VOC_ROOT;
      else process.env.VOC_ROOT = saved;
    }
  });
});
