/**
 * The raw-output parity fixtures (test/fixtures/parity_<config>.json, written by
 * scripts/fixtures/generate_parity_fixtures.py): the same formula weights and image the generator fed the
 * reference, rebuilt here bit for bit, and our outputs measured against the reference's float64 ones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { nn } from '@ssd/modeling';
import { REFERENCE_DIR } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';

/** The repository's reference YAML configs. */
export const CONFIG_DIR = path.resolve(__dirname, '../../../../configs');

/** A parity_<config>.json file. */
export interface ParityFixture {
  config: string;
  /** Side of the square image fed to the network (VGG512's is below its config's 512). */
  imageSize: number;
  inputScale: number;
  weightGain: number;
  numTensors: number;
  /** Calibration factors: tensor ← float32(formula value · factor). */
  scales: Record<string, number>;
  featureShapesNCHW: number[][];
  numPriors: number;
  /** The priors (PriorBox order) whose outputs the fixture holds. */
  rows: number[];
  clsLogits: number[][];
  bboxPred: number[][];
  /** max |reference| over every prior, per output. */
  maxAbs: { clsLogits: number; bboxPred: number };
  /** PyTorch float32 against float64, max |diff| over `rows` / maxAbs: the bar. */
  torchFloat32Error: { clsLogits: number; bboxPred: number };
}

/** Reads test/fixtures/parity_<config>.json. */
export function readParityFixture(config: string): ParityFixture {
  const file = path.join(__dirname, '..', 'fixtures', `parity_${config}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as ParityFixture;
}

// Module-level bindings: looking `Math` up on jest's global inside hot loops is slow.
const { imul, sqrt, sin, cos, fround } = Math;

/** lowbias32((i·0x9E3779B1 + (k+1)·0x85EBCA77) mod 2^32) scaled to [-1, 1). */
function hashUniform(i: number, offset: number): number {
  let h = (imul(i, 0x9e3779b1) + offset) >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return ((h >>> 0) / 4294967296) * 2 - 1;
}

/**
 * Tensor k of the state_dict as the generator's formula_values makes it: a + b·s (BatchNorm statistics and
 * affine parameters, biases) or gain·s / sqrt(fan_in) (weights), computed in float64 and stored as float32.
 */
function formulaValues(name: string, shape: readonly number[], k: number, gain: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = imul(k + 1, 0x85ebca77);
  let a = 0;
  let b = 0;
  if (name.endsWith('running_var')) [a, b] = [1, 0.5];
  else if (name.endsWith('running_mean') || name.endsWith('bias')) b = 0.1;
  else if (shape.length === 1) [a, b] = [1, 0.2];
  const out = new Float32Array(n);
  if (b === 0) {
    const root = sqrt(n / shape[0]!);
    for (let i = 0; i < n; i++) out[i] = (gain * hashUniform(i, offset)) / root;
  } else {
    for (let i = 0; i < n; i++) out[i] = a + b * hashUniform(i, offset);
  }
  return out;
}

/**
 * The fixture's weights in PyTorch layout for `SSDDetector.loadTorchStateDict`: every tensor the reference's
 * state_dict lists (fixtures/reference/state_dict_<config>.json), in its order, from the formula,
 * times its calibration factor where the fixture gives one (a float32 product, as PyTorch's).
 */
export function parityStateDict(fixture: ParityFixture): Map<string, nn.TorchTensorLike> {
  const listing = JSON.parse(
    readFileSync(path.join(REFERENCE_DIR, `state_dict_${fixture.config}.json`), 'utf8'),
  ) as { keys: Array<[string, number[], string]> };
  expect(listing.keys).toHaveLength(fixture.numTensors);
  const weights = new Map<string, nn.TorchTensorLike>();
  listing.keys.forEach(([name, shape, dtype], k) => {
    if (dtype === 'int64') {
      weights.set(name, { shape, dtype, data: [0n] });
      return;
    }
    const data = formulaValues(name, shape, k, fixture.weightGain);
    const factor = fixture.scales[name];
    if (factor !== undefined) for (let i = 0; i < data.length; i++) data[i] = fround(data[i]! * factor);
    weights.set(name, { shape, dtype, data });
  });
  return weights;
}

/** The generator's image 2·sin(0.11y + 0.07x + 1.3c) + cos(0.23x − 0.17y + 0.5c) · inputScale, NHWC. */
export function parityImage(fixture: ParityFixture): tf.Tensor4D {
  const size = fixture.imageSize;
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        data[(y * size + x) * 3 + c] =
          2 * sin(0.11 * y + 0.07 * x + 1.3 * c) + cos(0.23 * x - 0.17 * y + 0.5 * c);
      }
  return tf.tidy(() => tf.mul(tf.tensor4d(data, [1, size, size, 3]), fixture.inputScale));
}

/**
 * max |ours − reference| over the fixture's rows, divided by max |reference| over every prior: the issue's
 * measure, at the priors the fixture keeps. `ours` is one image's [numPriors, width] output, flattened.
 */
export function parityError(
  ours: Float32Array,
  reference: number[][],
  rows: number[],
  maxAbs: number,
): number {
  let worst = 0;
  rows.forEach((row, r) => {
    const want = reference[r]!;
    want.forEach((v, j) => {
      const diff = Math.abs(ours[row * want.length + j]! - v);
      worst = Math.max(worst, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
    });
  });
  return worst / maxAbs;
}
