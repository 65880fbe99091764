/**
 * A tiny detector and data set for engine tests: a 3-conv backbone on 32×32 inputs, registered as
 * 'tiny_test', and a few synthetic shapes images, so training runs in seconds on the pure-JS backend.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { BACKBONES, nn } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';

if (!BACKBONES.names().includes('tiny_test')) {
  BACKBONES.register('tiny_test', (_cfg, scope) => {
    const c1 = new nn.Conv2d(scope.child('c1'), {
      inChannels: 3,
      outChannels: 8,
      kernelSize: 3,
      stride: 2,
      padding: 1,
    });
    const c2 = new nn.Conv2d(scope.child('c2'), {
      inChannels: 8,
      outChannels: 8,
      kernelSize: 3,
      stride: 2,
      padding: 1,
    });
    const c3 = new nn.Conv2d(scope.child('c3'), {
      inChannels: 8,
      outChannels: 8,
      kernelSize: 3,
      stride: 2,
      padding: 1,
    });
    return {
      forward(x: tf.Tensor4D, ctx: nn.ForwardContext) {
        const f1 = tf.relu(c2.forward(tf.relu(c1.forward(x, ctx)), ctx));
        const f2 = tf.relu(c3.forward(f1, ctx));
        return [f1, f2];
      },
    };
  });
}

/** Writes a small shapes data set once per test file and returns its folder. */
export async function tinyData(train = 8, test = 4): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-tiny-data-'));
  await writeShapesDataset(dir, { train, test, seed: 3 });
  return dir;
}

/** A config for the tiny detector on `dataDir`, writing to a fresh OUTPUT_DIR unless given one. */
export function tinyConfig(dataDir: string, overrides: string[] = [], outputDir?: string): SSDConfig {
  const out = outputDir ?? mkdtempSync(path.join(tmpdir(), 'ssd-tiny-out-'));
  const cfg = structuredClone(
    loadConfig(undefined, [
      'MODEL.DEVICE',
      'js',
      'MODEL.NUM_CLASSES',
      '6',
      'MODEL.BACKBONE.NAME',
      'tiny_test',
      'MODEL.BACKBONE.OUT_CHANNELS',
      '(8, 8)',
      'MODEL.PRIORS.FEATURE_MAPS',
      '[8, 4]',
      'MODEL.PRIORS.STRIDES',
      '[4, 8]',
      'MODEL.PRIORS.MIN_SIZES',
      '[8, 16]',
      'MODEL.PRIORS.MAX_SIZES',
      '[16, 32]',
      'MODEL.PRIORS.ASPECT_RATIOS',
      '[[2], [2]]',
      'MODEL.PRIORS.BOXES_PER_LOCATION',
      '[4, 4]',
      'INPUT.IMAGE_SIZE',
      '32',
      'DATASETS.TRAIN',
      '("tiny_train",)',
      'DATASETS.TEST',
      '("tiny_test",)',
      'DATA_LOADER.NUM_WORKERS',
      '0',
      'SOLVER.MAX_ITER',
      '6',
      'SOLVER.LR_STEPS',
      '[4]',
      'SOLVER.BATCH_SIZE',
      '2',
      'SOLVER.LR',
      '0.01',
      'SOLVER.WARMUP_ITERS',
      '2',
      'TEST.BATCH_SIZE',
      '2',
      'OUTPUT_DIR',
      out,
      ...overrides,
    ]),
  );
  const spec = {
    FORMAT: 'voc' as const,
    DATA_DIR: dataDir,
    CLASS_NAMES: ['circle', 'square', 'triangle', 'star', 'hexagon'],
  };
  cfg.DATASETS.CATALOG = { tiny_train: { ...spec, SPLIT: 'train' }, tiny_test: { ...spec, SPLIT: 'test' } };
  return cfg;
}
