import type { SSDConfig } from '@ssd/config';
import type { DetectionDataset } from './base';

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
