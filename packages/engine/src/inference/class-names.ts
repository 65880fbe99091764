import type { SSDConfig } from '@ssd/config';

/** Refuses a class list that does not match MODEL.NUM_CLASSES (background included). */
export function checkClassNames(cfg: SSDConfig, classNames: readonly string[]): void {
  if (classNames.length !== cfg.MODEL.NUM_CLASSES) {
    throw new Error(
      `the class list has ${classNames.length} names (background included) but MODEL.NUM_CLASSES is ${cfg.MODEL.NUM_CLASSES}`,
    );
  }
}
