/** The class names a shipped config detects: VOC's, COCO's or the shapes data set's, by its data sets. */
import { COCO_CLASSES, SHAPES_CLASSES, type SSDConfig, VOC_CLASSES } from '@ssd/config';

/** The class names (background first) for `cfg`, as `ssd demo --dataset_type` picks them. */
export function classNamesFor(cfg: SSDConfig): readonly string[] {
  const train = cfg.DATASETS.TRAIN.join(' ');
  if (/coco/i.test(train)) return COCO_CLASSES;
  if (/shapes/i.test(train)) return SHAPES_CLASSES;
  return VOC_CLASSES;
}
