import { Registry } from '@ssd/config';
import type { DetectionDataset } from './base';
import { type CatalogConfig, checkBuiltInRoot, resolveDataset } from './catalog';
import { COCODataset } from './coco';
import { ConcatDataset } from './concat';
import type { DatasetSource } from './types';
import { VOCDataset } from './voc';

/** Builds a data set of one format from its source; `isTrain` picks the reference's train/test filtering. */
export type DatasetFactory = (source: DatasetSource, isTrain: boolean) => DetectionDataset;

function required(source: DatasetSource, key: 'split' | 'annFile'): string {
  const value = source[key];
  if (!value) throw new Error(`data set '${source.name}' (${source.format}) needs '${key}'`);
  return value;
}

/** Data set factories by format (a catalog entry's FORMAT); another package may register more formats. */
export const DATASET_FACTORIES = new Registry<DatasetFactory>(
  'data set format',
  'DATASETS.CATALOG.<name>.FORMAT',
);

// Difficult objects are dropped for training and kept, flagged, for evaluation.
DATASET_FACTORIES.register(
  'voc',
  (source, isTrain) =>
    new VOCDataset({
      dataDir: source.dataDir,
      split: required(source, 'split'),
      ...(source.classNames && { classNames: source.classNames }),
      keepDifficult: !isTrain,
    }),
);
// Images without annotations are skipped for training only.
DATASET_FACTORIES.register(
  'coco',
  (source, isTrain) =>
    new COCODataset({
      dataDir: source.dataDir,
      annFile: required(source, 'annFile'),
      ...(source.classNames && { classNames: source.classNames }),
      removeEmpty: isTrain,
    }),
);

/** Builds the data set a resolved source describes. */
export function buildDatasetFromSource(source: DatasetSource, isTrain: boolean): DetectionDataset {
  if (!DATASET_FACTORIES.has(source.format)) {
    throw new Error(
      `not supported: data set format '${source.format}' of '${source.name}' (registered: ${DATASET_FACTORIES.names().join(', ')})`,
    );
  }
  return DATASET_FACTORIES.get(source.format)(source, isTrain);
}

/** Builds the named data sets (catalog or `DATASETS.CATALOG` names), concatenated when there are several. */
export function buildDataset(
  cfg: CatalogConfig,
  names: readonly string[],
  isTrain: boolean,
): DetectionDataset {
  if (names.length === 0)
    throw new Error(`no data sets named (DATASETS.${isTrain ? 'TRAIN' : 'TEST'} is empty)`);
  const datasets = names.map((name) => {
    checkBuiltInRoot(name, cfg);
    return buildDatasetFromSource(resolveDataset(name, cfg), isTrain);
  });
  return datasets.length === 1 ? datasets[0]! : new ConcatDataset(datasets, names);
}
