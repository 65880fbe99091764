// Shared by the priors, box coding, matching, NMS, loss and post-processing tests.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { PriorConfig } from '@ssd/boxes';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { FIXTURES, readF32, readJson, referenceConfig } from './detector-helpers';

export { FIXTURES, readF32, readJson as readFixture };

/** The reference configs the prior fixtures were made from, loaded from configs/*.yaml. */
export const PRIOR_CONFIGS: Record<string, PriorConfig> = Object.fromEntries(
  ['vgg_ssd300_voc0712', 'vgg_ssd512_voc0712', 'mobilenet_v2_ssd320_voc0712'].map((name) => [
    name,
    referenceConfig(`${name}.yaml`),
  ]),
);

export const BACKENDS = ['cpu', 'wasm'] as const;

/** Makes `name` the active tfjs backend (wasm binaries loaded from the installed package). */
export async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  if (name === 'wasm') {
    const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    setWasmPaths(`${path.dirname(wasmFile)}/`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
}

/** Largest |a[i] − b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
