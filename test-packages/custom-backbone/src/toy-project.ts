import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneConfig, loadConfig, type SSDConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { TOY_BACKBONE } from './toy-backbone';

/** A throw-away training project: a few shapes images and a YAML config training the toy backbone on them. */
export interface ToyProject {
  dir: string;
  /** The shapes data set (VOC layout). */
  dataDir: string;
  configFile: string;
  outputDir: string;
}

/**
 * Writes a toy project for end-to-end tests of the apps: 8 training and 4 test shapes images (unless told
 * otherwise), and a config for a 32×32 toy-backbone detector on the pure-JS backend (a step takes
 * milliseconds).
 */
export async function writeToyProject(images: { train?: number; test?: number } = {}): Promise<ToyProject> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-toy-project-'));
  const data = path.join(dir, 'data');
  await writeShapesDataset(data, { train: images.train ?? 8, test: images.test ?? 4, seed: 2 });
  const spec = (split: string) =>
    `{ FORMAT: voc, DATA_DIR: ${data}, SPLIT: ${split}, CLASS_NAMES: [circle, square, triangle, star, hexagon] }`;
  const outputDir = path.join(dir, 'out');
  const configFile = path.join(dir, 'toy.yaml');
  writeFileSync(
    configFile,
    [
      'MODEL:',
      '  DEVICE: js',
      '  NUM_CLASSES: 6',
      '  BACKBONE:',
      `    NAME: ${TOY_BACKBONE}`,
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
      'TEST: { BATCH_SIZE: 2 }',
      `OUTPUT_DIR: ${outputDir}`,
      '',
    ].join('\n'),
  );
  return { dir, dataDir: data, configFile, outputDir };
}

/** The toy project's config for 6 iterations, writing to a fresh OUTPUT_DIR unless given one (mutable). */
export function toyConfig(
  project: Pick<ToyProject, 'configFile'>,
  overrides: string[] = [],
  outputDir?: string,
): SSDConfig {
  const out = outputDir ?? mkdtempSync(path.join(tmpdir(), 'ssd-tiny-out-'));
  return cloneConfig(
    loadConfig(project.configFile, [
      'SOLVER.MAX_ITER',
      '6',
      'SOLVER.LR_STEPS',
      '[4]',
      'SOLVER.LR',
      '0.01',
      'OUTPUT_DIR',
      out,
      ...overrides,
    ]),
  );
}
