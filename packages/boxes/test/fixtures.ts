// Reference fixtures and configs for the box tests (pure arrays, no tfjs).
import * as path from 'node:path';
import { loadConfig } from '@ssd/config';
import { readJson } from '@ssd-test/kit';
import type { PriorConfig } from '../src';

/** A JSON reference fixture. */
export const readFixture = readJson;

/** The reference configs the prior fixtures were made from, loaded from configs/*.yaml. */
export const PRIOR_CONFIGS: Record<string, PriorConfig> = Object.fromEntries(
  ['vgg_ssd300_voc0712', 'vgg_ssd512_voc0712', 'mobilenet_v2_ssd320_voc0712'].map((name) => [
    name,
    loadConfig(path.resolve(__dirname, '../../../configs', `${name}.yaml`)),
  ]),
);

/** Largest |a[i] − b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
