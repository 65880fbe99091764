import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { buildDataset, type DetectionDataset } from '@ssd/data';

/**
 * Checks what would otherwise fail mid-run, before any training: OUTPUT_DIR is writable, and the
 * training (and test) data sets exist and are not empty. Returns the training data set.
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
  for (const name of cfg.DATASETS.TEST) {
    if (buildDataset(cfg, [name], false).length === 0)
      throw new Error(`test data set '${name}' has no images`);
  }
  return train;
}
