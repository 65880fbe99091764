// Shared by the priors, box coding, matching, NMS, loss and post-processing tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { PriorConfig } from '../src/box/priors';

export const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/reference');

/** Parsed JSON fixture. */
export function readFixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

/** Float32 little-endian fixture as a Float32Array. */
export function readF32(name: string): Float32Array {
  const buf = fs.readFileSync(path.join(FIXTURES, name));
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(4 * i);
  return out;
}

// The reference's defaults (= vgg_ssd300), and the two configs' PRIORS sections, copied from
// configs/*.yaml by hand.
const VGG300_PRIORS = {
  FEATURE_MAPS: [38, 19, 10, 5, 3, 1],
  STRIDES: [8, 16, 32, 64, 100, 300],
  MIN_SIZES: [30, 60, 111, 162, 213, 264],
  MAX_SIZES: [60, 111, 162, 213, 264, 315],
  ASPECT_RATIOS: [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
  CLIP: true,
};

/** Prior configs of the reference YAML files the priors fixtures were made from. */
export const PRIOR_CONFIGS: Record<string, PriorConfig> = {
  vgg_ssd300_voc0712: { INPUT: { IMAGE_SIZE: 300 }, MODEL: { PRIORS: VGG300_PRIORS } },
  vgg_ssd512_voc0712: {
    INPUT: { IMAGE_SIZE: 512 },
    MODEL: {
      PRIORS: {
        FEATURE_MAPS: [64, 32, 16, 8, 4, 2, 1],
        STRIDES: [8, 16, 32, 64, 128, 256, 512],
        MIN_SIZES: [35.84, 76.8, 153.6, 230.4, 307.2, 384.0, 460.8],
        MAX_SIZES: [76.8, 153.6, 230.4, 307.2, 384.0, 460.8, 537.65],
        ASPECT_RATIOS: [[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]],
        CLIP: true,
      },
    },
  },
  mobilenet_v2_ssd320_voc0712: {
    INPUT: { IMAGE_SIZE: 320 },
    MODEL: {
      PRIORS: {
        FEATURE_MAPS: [20, 10, 5, 3, 2, 1],
        STRIDES: [16, 32, 64, 107, 160, 320],
        MIN_SIZES: [60, 105, 150, 195, 240, 285],
        MAX_SIZES: [105, 150, 195, 240, 285, 330],
        ASPECT_RATIOS: [
          [2, 3],
          [2, 3],
          [2, 3],
          [2, 3],
          [2, 3],
          [2, 3],
        ],
        CLIP: true,
      },
    },
  },
};

/** Backends the tensor code must run on. */
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
