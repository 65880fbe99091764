export { defaultConfig } from './defaults';
export { ConfigError, closestKey } from './errors';
export { cloneConfig, dumpConfig, freeze } from './freeze';
export { loadConfig } from './load';
export { mergeFromFile, mergeFromList, mergeFromObject } from './merge';
export { type LiteralValue, parsePythonLiteral } from './python-literal';
export {
  configSchema,
  DEVICES,
  type Device,
  type SSDConfig,
  type UserDatasetSpec,
  userDatasetSchema,
} from './schema';
export { resolveConfigFile, SHIPPED_CONFIG_DIR, shippedConfigNames } from './shipped';
