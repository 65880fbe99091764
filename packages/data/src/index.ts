export { DetectionDataset } from './datasets/base';
export {
  buildDataset,
  buildDatasetFromSource,
  DATASET_FACTORIES,
  type DatasetFactory,
} from './datasets/build';
export {
  type CatalogConfig,
  type CatalogEntry,
  checkBuiltInRoot,
  DATASET_CATALOG,
  DEFAULT_ROOTS,
  resolveDataset,
} from './datasets/catalog';
export { checkNumClasses } from './datasets/check-classes';
export { COCODataset, type COCODatasetOptions } from './datasets/coco';
export { ConcatDataset } from './datasets/concat';
export type { Annotation, DatasetItem, DatasetSource, ImageId, Target } from './datasets/types';
export { VOCDataset, type VOCDatasetOptions } from './datasets/voc';
export type { TestBatch, TrainBatch } from './loader/batch';
export {
  type Loader,
  type LoaderOptions,
  makeTestLoader,
  makeTrainLoader,
  type TestLoaderOptions,
  type TrainLoaderOptions,
} from './loader/loader';
export { type BatchSamplerOptions, type IndexBatch, IterationBatchSampler } from './sampler';
export { renderShapesImage, type ShapeObject, type ShapesImage } from './shapes/render';
export {
  SHAPES_LABELS_FILE,
  type ShapesDatasetOptions,
  type ShapesDatasetSummary,
  writeShapesDataset,
} from './shapes/write';
export { serveTasks, type TaskHandler } from './threads/serve-tasks';
export { WorkerPool, type WorkerPoolOptions } from './threads/worker-pool';
