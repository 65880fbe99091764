/**
 * @ssd/config in a browser (the `browser` and `import` conditions of its exports): everything but files. The
 * shipped configs load by name from text bundled at build time; `mergeFromYaml` merges YAML text of your own.
 */
export { BACKGROUND, COCO_CLASSES, SHAPES_CLASSES, VOC_CLASSES, withBackground } from './class-names';
export { defaultConfig } from './defaults';
export { ConfigError } from './errors';
export { cloneConfig, dumpConfig, freeze } from './freeze';
export { loadConfig } from './load';
export { mergeFromList, mergeFromObject, mergeFromYaml } from './merge';
export { Registry } from './registry';
export { DEVICES, type Device, type SSDConfig, type UserDatasetSpec } from './schema';
export { shippedConfigNames, shippedConfigText } from './shipped.browser';
export { claimSingleCopy, type PackageCopy } from './single-copy.browser';
