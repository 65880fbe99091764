// The reference's numbers and configs, for tests that compare against them.
import * as path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import { CONFIGS_DIR } from '@ssd-test/kit';

export { REFERENCE_DIR as FIXTURES, readF32, readJson } from '@ssd-test/kit';

/** A reference config from the repository's configs/ folder (frozen), with `KEY VALUE` overrides. */
export function referenceConfig(file: string, overrides: string[] = []): SSDConfig {
  return loadConfig(path.join(CONFIGS_DIR, file), overrides);
}
