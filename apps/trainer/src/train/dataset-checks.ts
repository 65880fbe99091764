import type { DetectionDataset } from '@ssd/data';

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
