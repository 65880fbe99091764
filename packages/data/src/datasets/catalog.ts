import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { UserDatasetSpec } from '@ssd/config';
import { COCO_CLASSES, SHAPES_CLASSES, VOC_CLASSES } from '@ssd/config';
import type { DatasetSource } from './types';

/** A built-in data set: its format, the environment variable naming its root, and paths under that root. */
export interface CatalogEntry {
  format: 'voc' | 'coco';
  rootEnv: 'VOC_ROOT' | 'COCO_ROOT' | 'SHAPES_ROOT';
  /** Folder under the root (VOC: the VOCdevkit year folder; COCO: the image folder). */
  dataDir: string;
  split?: string;
  /** COCO: instances JSON under the root. */
  annFile?: string;
  classNames: readonly string[];
}

/** The root each environment variable defaults to, relative to the working directory. */
export const DEFAULT_ROOTS: Readonly<Record<CatalogEntry['rootEnv'], string>> = {
  VOC_ROOT: 'datasets',
  COCO_ROOT: 'datasets',
  SHAPES_ROOT: path.join('datasets', 'shapes'),
};

/** What each root must hold, for the message when a built-in data set is not found under it. */
const ROOT_CONTENTS: Readonly<Record<CatalogEntry['rootEnv'], string>> = {
  VOC_ROOT: 'VOC2007/ and VOC2012/ (the unpacked VOCdevkit)',
  COCO_ROOT: 'annotations/ and the image folders (train2014/, val2014/, …)',
  SHAPES_ROOT: 'the synthetic shapes data set (`ssd dataset shapes DIR` writes one)',
};

const voc = (dataDir: string, split: string): CatalogEntry => ({
  format: 'voc',
  rootEnv: 'VOC_ROOT',
  dataDir,
  split,
  classNames: VOC_CLASSES,
});

const coco = (dataDir: string, annFile: string): CatalogEntry => ({
  format: 'coco',
  rootEnv: 'COCO_ROOT',
  dataDir,
  annFile: path.join('annotations', annFile),
  classNames: COCO_CLASSES,
});

const shapes = (split: string): CatalogEntry => ({
  format: 'voc',
  rootEnv: 'SHAPES_ROOT',
  dataDir: '.',
  split,
  classNames: SHAPES_CLASSES,
});

/** The built-in data set names: the reference's VOC and COCO ones, COCO 2017, and the synthetic shapes. */
export const DATASET_CATALOG: Readonly<Record<string, CatalogEntry>> = Object.freeze({
  voc_2007_train: voc('VOC2007', 'train'),
  voc_2007_val: voc('VOC2007', 'val'),
  voc_2007_trainval: voc('VOC2007', 'trainval'),
  voc_2007_test: voc('VOC2007', 'test'),
  voc_2012_train: voc('VOC2012', 'train'),
  voc_2012_val: voc('VOC2012', 'val'),
  voc_2012_trainval: voc('VOC2012', 'trainval'),
  voc_2012_test: voc('VOC2012', 'test'),
  coco_2014_train: coco('train2014', 'instances_train2014.json'),
  coco_2014_val: coco('val2014', 'instances_val2014.json'),
  coco_2014_minival: coco('val2014', 'instances_minival2014.json'),
  coco_2014_valminusminival: coco('val2014', 'instances_valminusminival2014.json'),
  coco_2017_train: coco('train2017', 'instances_train2017.json'),
  coco_2017_val: coco('val2017', 'instances_val2017.json'),
  shapes_train: shapes('train'),
  shapes_test: shapes('test'),
});

/** The part of the config the catalog reads. */
export interface CatalogConfig {
  DATASETS: { CATALOG: Readonly<Record<string, UserDatasetSpec>> };
}

/**
 * Resolves a data set name to what it is built from: a `DATASETS.CATALOG` entry of the config first (its
 * paths taken as given), else a built-in name under `$VOC_ROOT` / `$COCO_ROOT` / `$SHAPES_ROOT`.
 */
export function resolveDataset(
  name: string,
  cfg: CatalogConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): DatasetSource {
  // Own keys only: a name such as `constructor` must not find Object.prototype's.
  const own = <T>(record: Readonly<Record<string, T>>) =>
    Object.hasOwn(record, name) ? record[name] : undefined;
  const user = own(cfg.DATASETS.CATALOG);
  if (user) return fromUserSpec(name, user);
  const entry = own(DATASET_CATALOG);
  if (!entry) {
    const known = [...Object.keys(cfg.DATASETS.CATALOG), ...Object.keys(DATASET_CATALOG)];
    throw new Error(
      `unknown data set '${name}': declare it in DATASETS.CATALOG or use one of ${known.join(', ')}`,
    );
  }
  const root = env[entry.rootEnv] || DEFAULT_ROOTS[entry.rootEnv];
  return {
    name,
    format: entry.format,
    dataDir: path.join(root, entry.dataDir),
    ...(entry.split !== undefined && { split: entry.split }),
    ...(entry.annFile !== undefined && { annFile: path.join(root, entry.annFile) }),
    classNames: [...entry.classNames],
  };
}

/**
 * Checks that a built-in data set (`voc_2007_trainval`, …) is where its root variable points, with an error
 * that says which variable to set; a name the config's DATASETS.CATALOG declares has its own paths and
 * is not checked here.
 */
export function checkBuiltInRoot(
  name: string,
  cfg: CatalogConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (Object.hasOwn(cfg.DATASETS.CATALOG, name) || !Object.hasOwn(DATASET_CATALOG, name)) return;
  const { rootEnv } = DATASET_CATALOG[name]!;
  const source = resolveDataset(name, cfg, env);
  // COCO reads its annotation file first, then the images.
  const missing = [source.annFile, source.dataDir].find((p) => p !== undefined && !existsSync(p));
  if (missing === undefined) return;
  const root = env[rootEnv]
    ? `${rootEnv} is '${env[rootEnv]}'`
    : `${rootEnv} is not set; the default root is '${DEFAULT_ROOTS[rootEnv]}'`;
  throw new Error(
    `data set '${name}': ${missing} does not exist (${root}); set ${rootEnv} to the folder holding ${ROOT_CONTENTS[rootEnv]}`,
  );
}

function fromUserSpec(name: string, spec: UserDatasetSpec): DatasetSource {
  const key = `DATASETS.CATALOG.${name}`;
  if (spec.FORMAT === 'voc' && !spec.SPLIT) throw new Error(`${key}.SPLIT is required for a 'voc' data set`);
  if (spec.FORMAT === 'coco' && !spec.ANN_FILE)
    throw new Error(`${key}.ANN_FILE is required for a 'coco' data set`);
  return {
    name,
    format: spec.FORMAT,
    dataDir: spec.DATA_DIR,
    ...(spec.FORMAT === 'voc' && { split: spec.SPLIT }),
    ...(spec.FORMAT === 'coco' && { annFile: spec.ANN_FILE }),
    ...(spec.CLASS_NAMES && { classNames: [...spec.CLASS_NAMES] }),
  };
}
