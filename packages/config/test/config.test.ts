import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REFERENCE_CONFIGS_DIR as REFERENCE_CONFIGS } from '@ssd-test/kit';
import { parse } from 'yaml';
import { ConfigError, cloneConfig, defaultConfig, dumpConfig, loadConfig } from '../src';
import { mergeFromList } from '../src/merge';
import { mergeFromFile } from '../src/merge-file';
import { parsePythonLiteral } from '../src/python-literal';

const CONFIGS = path.resolve(__dirname, '../../../configs');
const tmp = mkdtempSync(path.join(tmpdir(), 'ssd-config-'));

function writeYaml(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected an error');
}

describe('defaults', () => {
  it('equal the reference values', () => {
    const cfg = defaultConfig();
    expect(cfg.MODEL.THRESHOLD).toBe(0.5);
    expect(cfg.MODEL.NUM_CLASSES).toBe(21);
    expect(cfg.MODEL.NEG_POS_RATIO).toBe(3);
    expect(cfg.MODEL.PRIORS.BOXES_PER_LOCATION).toEqual([4, 6, 6, 6, 4, 4]);
    expect(cfg.SOLVER.WARMUP_FACTOR).toBeCloseTo(1 / 3, 12);
    expect(cfg.TEST).toEqual({
      NMS_THRESHOLD: 0.45,
      CONFIDENCE_THRESHOLD: 0.01,
      MAX_PER_CLASS: -1,
      MAX_PER_IMAGE: 100,
      BATCH_SIZE: 10,
    });
    expect(cfg.MODEL.DEVICE).toBe('auto');
    expect(cfg.MODEL.BACKBONE.WIDTH_MULT).toBe(1);
  });
});

describe('reference configs', () => {
  const files = readdirSync(REFERENCE_CONFIGS).filter((f) => f.endsWith('.yaml'));

  it('are all copied into configs/ unchanged', () => {
    expect(files).toHaveLength(7);
    for (const f of files) {
      expect(readdirSync(CONFIGS)).toContain(f);
    }
  });

  it.each(files)('%s loads with its tuples parsed', (file) => {
    const cfg = loadConfig(path.join(REFERENCE_CONFIGS, file));
    const raw = parse(readFileSync(path.join(REFERENCE_CONFIGS, file), 'utf8'));
    const tuple = (s: string) => (parsePythonLiteral(s) as unknown[]) ?? s;
    const outChannels = raw.MODEL.BACKBONE?.OUT_CHANNELS;
    expect(cfg.MODEL.BACKBONE.OUT_CHANNELS).toEqual(
      outChannels ? tuple(outChannels) : defaultConfig().MODEL.BACKBONE.OUT_CHANNELS,
    );
    expect(cfg.DATASETS.TRAIN).toEqual(tuple(raw.DATASETS.TRAIN));
    expect(cfg.DATASETS.TEST).toEqual(tuple(raw.DATASETS.TEST));
    expect(cfg.MODEL.PRIORS.MIN_SIZES).toEqual(
      raw.MODEL.PRIORS?.MIN_SIZES ?? defaultConfig().MODEL.PRIORS.MIN_SIZES,
    );
    expect(cfg.INPUT.IMAGE_SIZE).toBe(raw.INPUT.IMAGE_SIZE);
    expect(cfg.SOLVER.MAX_ITER).toBe(raw.SOLVER.MAX_ITER);
    expect(cfg.OUTPUT_DIR).toBe(raw.OUTPUT_DIR);
  });

  it('keep the values a file does not set at their defaults', () => {
    const cfg = loadConfig(path.join(CONFIGS, 'vgg_ssd300_voc0712.yaml'));
    expect(cfg.MODEL.BACKBONE.NAME).toBe('vgg');
    // PRETRAINED as the reference sets it; WEIGHTS empty means the reference's own ImageNet source.
    expect(cfg.MODEL.BACKBONE.PRETRAINED).toBe(true);
    expect(cfg.MODEL.BACKBONE.WEIGHTS).toBe('');
    expect(cfg.SOLVER.MOMENTUM).toBe(0.9);
    expect(cfg.DATASETS.TRAIN).toEqual(['voc_2007_trainval', 'voc_2012_trainval']);
  });
});

describe('mergeFromList', () => {
  const vgg = path.join(CONFIGS, 'vgg_ssd300_voc0712.yaml');

  it('parses values by the default type', () => {
    const cfg = loadConfig(vgg, [
      'SOLVER.LR',
      '0.01',
      'SOLVER.MAX_ITER',
      '10',
      'DATASETS.TEST',
      '("a", "b")',
      'MODEL.PRIORS.CLIP',
      'False',
      'OUTPUT_DIR',
      'outputs/x',
      'MODEL.DEVICE',
      'wasm',
    ]);
    expect(cfg.SOLVER.LR).toBe(0.01);
    expect(cfg.SOLVER.MAX_ITER).toBe(10);
    expect(cfg.DATASETS.TEST).toEqual(['a', 'b']);
    expect(cfg.MODEL.PRIORS.CLIP).toBe(false);
    expect(cfg.OUTPUT_DIR).toBe('outputs/x');
    expect(cfg.MODEL.DEVICE).toBe('wasm');
  });

  it('rejects an unknown key, naming it and suggesting the closest', () => {
    const e = errorOf(() => loadConfig(vgg, ['SOLVER.LRR', '0.01']));
    expect(e.key).toBe('SOLVER.LRR');
    expect(e.message).toContain("'SOLVER.LRR'");
    expect(e.message).toContain("did you mean 'SOLVER.LR'");
  });

  it('rejects a wrong type, naming the key', () => {
    expect(errorOf(() => loadConfig(vgg, ['SOLVER.LR', 'abc'])).key).toBe('SOLVER.LR');
    expect(
      loadConfig(vgg, ['MODEL.BACKBONE.WEIGHTS', '/data/vgg16_reducedfc.pth']).MODEL.BACKBONE.WEIGHTS,
    ).toBe('/data/vgg16_reducedfc.pth');
    expect(errorOf(() => loadConfig(vgg, ['SOLVER.MAX_ITER', '1.5'])).key).toBe('SOLVER.MAX_ITER');
    expect(errorOf(() => loadConfig(vgg, ['MODEL.PRIORS.CLIP', '3'])).key).toBe('MODEL.PRIORS.CLIP');
    expect(errorOf(() => loadConfig(vgg, ['MODEL.DEVICE', 'tpu'])).message).toContain('MODEL.DEVICE');
    expect(errorOf(() => loadConfig(vgg, ['SOLVER', '1'])).key).toBe('SOLVER');
  });

  it('rejects a missing value and inconsistent per-map lists', () => {
    expect(errorOf(() => loadConfig(vgg, ['SOLVER.LR'])).message).toContain('SOLVER.LR');
    const e = errorOf(() => loadConfig(vgg, ['MODEL.BACKBONE.OUT_CHANNELS', '(1, 2)']));
    expect(e.key).toBe('MODEL.BACKBONE.OUT_CHANNELS');
  });
});

describe('mergeFromFile', () => {
  it('names the file and key for an unknown key', () => {
    const file = writeYaml('bad-key.yaml', 'MODEL:\n  BACKBONE:\n    NAMEE: vgg\n');
    const e = errorOf(() => mergeFromFile(defaultConfig(), file));
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    expect(e.message).toContain("'MODEL.BACKBONE.NAMEE'");
    expect(e.message).toContain("'MODEL.BACKBONE.NAME'");
  });

  it('names the file and key for a wrong type', () => {
    const file = writeYaml('bad-type.yaml', 'SOLVER:\n  BATCH_SIZE: many\n');
    const e = errorOf(() => mergeFromFile(defaultConfig(), file));
    expect(e.key).toBe('SOLVER.BATCH_SIZE');
    expect(e.message).toContain(file);
  });

  it('reports malformed YAML with its line number', () => {
    const file = writeYaml(
      'malformed.yaml',
      'MODEL:\n  NUM_CLASSES: 3\n  BACKBONE: [1, 2\nINPUT:\n  IMAGE_SIZE: 300\n',
    );
    const e = errorOf(() => mergeFromFile(defaultConfig(), file));
    expect(e.message).toMatch(/malformed YAML at line \d+/);
    expect(e.message).toContain(file);
  });

  it('reports a missing file', () => {
    const e = errorOf(() => loadConfig(path.join(tmp, 'nope.yaml')));
    expect(e.message).toContain('nope.yaml');
  });

  it('accepts user data sets declared in DATASETS.CATALOG', () => {
    const file = writeYaml(
      'catalog.yaml',
      [
        'DATASETS:',
        '  TRAIN: ("my_train",)',
        '  CATALOG:',
        '    my_train:',
        '      FORMAT: voc',
        '      DATA_DIR: data/mine',
        '      SPLIT: train',
        '      CLASS_NAMES: ("cat", "dog")',
        '',
      ].join('\n'),
    );
    const cfg = loadConfig(file);
    expect(cfg.DATASETS.CATALOG.my_train).toEqual({
      FORMAT: 'voc',
      DATA_DIR: 'data/mine',
      SPLIT: 'train',
      CLASS_NAMES: ['cat', 'dog'],
    });
    const bad = writeYaml(
      'catalog-bad.yaml',
      'DATASETS:\n  CATALOG:\n    x:\n      FORMAT: kitti\n      DATA_DIR: d\n',
    );
    expect(errorOf(() => loadConfig(bad)).key).toBe('DATASETS.CATALOG.x.FORMAT');
  });
});

describe('freeze, clone and dump', () => {
  it('freezes deeply; a clone is mutable and independent', () => {
    const cfg = loadConfig(path.join(CONFIGS, 'mobilenet_v2_ssd320_voc0712.yaml'));
    expect(() => {
      (cfg.SOLVER as { LR: number }).LR = 1;
    }).toThrow(TypeError);
    expect(() => (cfg.MODEL.PRIORS.FEATURE_MAPS as number[]).push(1)).toThrow(TypeError);
    const copy = cloneConfig(cfg);
    copy.SOLVER.LR = 1;
    expect(copy.SOLVER.LR).toBe(1);
    expect(cfg.SOLVER.LR).toBe(0.001);
  });

  it('dumps YAML that loads back to the same config', () => {
    const cfg = loadConfig(path.join(CONFIGS, 'vgg_ssd512_coco_trainval35k.yaml'), ['SOLVER.LR', '0.02']);
    const file = writeYaml('dumped.yaml', dumpConfig(cfg));
    expect(loadConfig(file)).toEqual(cfg);
  });

  it('mergeFromList works on a mutable config in place', () => {
    const cfg = defaultConfig();
    mergeFromList(cfg, ['TEST.MAX_PER_IMAGE', '50']);
    expect(cfg.TEST.MAX_PER_IMAGE).toBe(50);
  });
});

describe('parsePythonLiteral', () => {
  it.each([
    ['(512, 1024, 512)', [512, 1024, 512]],
    ['("voc_2007_test", )', ['voc_2007_test']],
    ['[[2], [2, 3]]', [[2], [2, 3]]],
    ['1e-3', 0.001],
    ['True', true],
    ['None', null],
    ['()', []],
  ])('%s', (text, value) => {
    expect(parsePythonLiteral(text)).toEqual(value);
  });

  it.each(['abc', '(1, 2', '1 2', 'Truex'])('%s is not a literal', (text) => {
    expect(parsePythonLiteral(text)).toBeUndefined();
  });
});
