export { BACKGROUND, COCO_CLASSES, SHAPES_CLASSES, VOC_CLASSES, withBackground } from './class-names';
export { defaultConfig } from './defaults';
export { ConfigError } from './errors';
export { cloneConfig, dumpConfig, freeze } from './freeze';
export { loadConfig } from './load';
export { Registry } from './registry';
export { DEVICES, type Device, type SSDConfig, type UserDatasetSpec } from './schema';
export { SHIPPED_CONFIG_DIR, shippedConfigNames } from './shipped';
export { claimSingleCopy, type PackageCopy } from './single-copy';
