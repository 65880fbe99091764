import type { SSDConfig } from '@ssd/config';
import type { DetectionDataset } from '@ssd/data';

/** Throws unless the data set has MODEL.NUM_CLASSES classes (background included), naming both. */
export function checkNumClasses(cfg: SSDConfig, dataset: DetectionDataset, names: readonly string[]): void {
  const classes = dataset.classNames.length;
  if (classes === cfg.MODEL.NUM_CLASSES) return;
  const list = dataset.classNames.slice(1, 11).join(', ') + (classes > 11 ? ', …' : '');
  throw new Error(
    `MODEL.NUM_CLASSES is ${cfg.MODEL.NUM_CLASSES} but data set '${names.join(', ')}' has ${classes} classes ` +
      `(background and ${classes - 1}: ${list}); set MODEL.NUM_CLASSES ${classes}`,
  );
}

/**
 * Throws when not one image of the data set has an object to train on (no objects at all, or only
 * difficult or crowd ones): every batch would have nothing to learn. Stops at the first object found.
 */
export function checkHasObjects(dataset: DetectionDataset, names: readonly string[]): void {
  for (let i = 0; i < dataset.length; i++) if (dataset.getTarget(i).labels.length > 0) return;
  throw new Error(
    `none of the ${dataset.length} images of the training data (${names.join(', ')}) has an object to learn from ` +
      '(no objects, or only difficult or crowd ones); check its annotations',
  );
}
