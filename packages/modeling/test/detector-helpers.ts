// Shared set-up for the detector tests: fixture readers, configs, a tiny model configuration.
import * as path from 'node:path';
import { cloneConfig, loadConfig, type SSDConfig } from '@ssd/config';
import { CONFIGS_DIR, TINY_MOBILENET_CONFIG } from '@ssd-test/kit';

export { REFERENCE_DIR as FIXTURES, readF32, readJson } from '@ssd-test/kit';

/** A reference config from the repository's configs/ folder (frozen), with `KEY VALUE` overrides. */
export function referenceConfig(file: string, overrides: string[] = []): SSDConfig {
  return loadConfig(path.join(CONFIGS_DIR, file), overrides);
}

/**
 * mobilenet_v2 + SSDLite at 64×64 input (feature maps 4, 2, 1, 1, 1, 1), small enough for pure-JS training
 * steps; priors are arbitrary but consistent. Mutable.
 */
export function tinyMobilenetConfig(): SSDConfig {
  return cloneConfig(loadConfig(TINY_MOBILENET_CONFIG));
}
