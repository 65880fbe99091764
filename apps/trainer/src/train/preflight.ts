import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { buildDataset, checkNumClasses, type DetectionDataset } from '@ssd/data';
import { checkHasObjects } from './dataset-checks';

/**
 * Checks what would otherwise fail mid-run, before any training: OUTPUT_DIR is writable, the training
 * (and test) data sets exist, have MODEL.NUM_CLASSES classes and are not empty, and the training data
 * has at least one object. Returns the training data set.
 */
export function preflight(cfg: SSDConfig): DetectionDataset {
  const out = cfg.OUTPUT_DIR;
  try {
    mkdirSync(out, { recursive: true });
    accessSync(out, constants.W_OK);
    const probe = path.join(out, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new Error(`OUTPUT_DIR '${out}' is not writable: ${(e as Error).message}`);
  }
  if (cfg.DATASETS.TRAIN.length === 0) throw new Error('DATASETS.TRAIN is empty: name at least one data set');
  const train = buildDataset(cfg, cfg.DATASETS.TRAIN, true);
  if (train.length === 0) {
    throw new Error(
      `the training data (${cfg.DATASETS.TRAIN.join(', ')}) has no images with usable annotations`,
    );
  }
  checkNumClasses(cfg, train, cfg.DATASETS.TRAIN);
  checkHasObjects(train, cfg.DATASETS.TRAIN);
  for (const name of cfg.DATASETS.TEST) {
    const test = buildDataset(cfg, [name], false);
    if (test.length === 0) throw new Error(`test data set '${name}' has no images`);
    checkNumClasses(cfg, test, [name]);
  }
  return train;
}
