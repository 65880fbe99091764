/**
 * The tiny project engine tests train: the toy backbone package's 32×32 detector and a few shapes images
 * (see @ssd-test/custom-backbone), so training runs in seconds on the pure-JS backend.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneConfig, loadConfig, type SSDConfig } from '@ssd/config';
import { type ToyProject, writeToyProject } from '@ssd-test/custom-backbone';

/** Writes a toy project (data and config) once per test file. */
export function tinyProject(): Promise<ToyProject> {
  return writeToyProject();
}

/** The project's config for 6 iterations, writing to a fresh OUTPUT_DIR unless given one. */
export function tinyConfig(project: ToyProject, overrides: string[] = [], outputDir?: string): SSDConfig {
  const out = outputDir ?? mkdtempSync(path.join(tmpdir(), 'ssd-tiny-out-'));
  return cloneConfig(
    loadConfig(project.configFile, [
      'SOLVER.MAX_ITER',
      '6',
      'SOLVER.LR_STEPS',
      '[4]',
      'SOLVER.LR',
      '0.01',
      'OUTPUT_DIR',
      out,
      ...overrides,
    ]),
  );
}
