// Shared by backbone-mobilenet-v3.test.ts and backbone-efficient-net.test.ts: the reference's state_dict
// listing, the formula weights and image the fixture generator fed the PyTorch reference, and the comparison of
// our feature maps with its numbers (test/fixtures/*_backbone_forward.json).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REFERENCE_DIR } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import type { StateStore, TorchTensorLike } from '../src/nn';

/** The repository's reference YAML configs. */
export const CONFIG_DIR = path.resolve(__dirname, '../../../configs');

/** [name, PyTorch shape, dtype] of each `backbone.*` tensor in the reference's state_dict, in order. */
export function referenceBackboneKeys(config: string): Array<[string, number[], string]> {
  const file = path.join(REFERENCE_DIR, `state_dict_${config}.json`);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: Array<[string, number[], string]> };
  return doc.keys.filter(([name]) => name.startsWith('backbone.'));
}

/** The same listing for our model: int32 counters stand for PyTorch's int64 ones. */
export function ourKeys(store: StateStore): Array<[string, number[], string]> {
  return store
    .entries()
    .map((e) => [e.name, [...e.torchShape], e.variable.dtype === 'int32' ? 'int64' : e.variable.dtype]);
}

// Module-level bindings: looking `Math` up on jest's sandboxed global inside hot loops is ~50× slower.
const { abs, cos, imul, sin } = Math;

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

/** Element i of state tensor k (PyTorch row-major), computed exactly as the generator did (float64 → float32). */
function formulaValues(name: string, shape: readonly number[], k: number, gain: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = imul(k + 1, 0x85ebca77);
  // value = a + b·s, except conv/linear weights: (gain·s) / sqrt(fan_in), kept in that order for bit equality.
  let a = 0;
  let b = 0;
  if (name.endsWith('running_var')) [a, b] = [1, 0.5];
  else if (name.endsWith('running_mean') || name.endsWith('bias')) b = 0.1;
  else if (shape.length === 1) [a, b] = [1, 0.2];
  const out = new Float32Array(n);
  if (b === 0) {
    const root = Math.sqrt(n / shape[0]);
    for (let i = 0; i < n; i++) out[i] = (gain * hashUniform(i, offset)) / root;
  } else {
    for (let i = 0; i < n; i++) out[i] = a + b * hashUniform(i, offset);
  }
  return out;
}

/** Every tensor of `store` filled by the formula, in PyTorch layout (for `store.loadTorch`). */
export function formulaWeights(store: StateStore, gain: number): Map<string, TorchTensorLike> {
  const weights = new Map<string, TorchTensorLike>();
  store.entries().forEach((e, k) => {
    weights.set(
      e.name,
      e.variable.dtype === 'int32'
        ? { shape: [], dtype: 'int64', data: [0n] }
        : { shape: e.torchShape, dtype: 'float32', data: formulaValues(e.name, e.torchShape, k, gain) },
    );
  });
  return weights;
}

/** The generator's image 2·sin(0.11y + 0.07x + 1.3c) + cos(0.23x − 0.17y + 0.5c), as NHWC [1, S, S, 3]. */
export function formulaImage(size: number): tf.Tensor4D {
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        data[(y * size + x) * 3 + c] =
          2 * sin(0.11 * y + 0.07 * x + 1.3 * c) + cos(0.23 * x - 0.17 * y + 0.5 * c);
      }
  return tf.tensor4d(data, [1, size, size, 3]);
}

/** One feature map of the reference: NCHW shape, sum, sum of magnitudes, and sampled [c, y, x, value]. */
interface ReferenceMap {
  shape: [number, number, number];
  sum: number;
  absSum: number;
  samples: Array<[number, number, number, number]>;
}

/** A test/fixtures/*_backbone_forward.json file. */
export interface ForwardFixture {
  config: string;
  imageSize: number;
  weightGain: number;
  numTensors: number;
  maps: ReferenceMap[];
}

/** Reads test/fixtures/<file>. */
export function readForwardFixture(file: string): ForwardFixture {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', file), 'utf8')) as ForwardFixture;
}

const RTOL = 1e-3;
const ATOL = 1e-4;

/** Problems found comparing our NHWC feature maps with the reference's (empty when they agree). */
export function fixtureMismatches(features: tf.Tensor4D[], fixture: ForwardFixture): string[] {
  const problems: string[] = [];
  if (features.length !== fixture.maps.length) {
    return [`${features.length} feature maps, reference has ${fixture.maps.length}`];
  }
  fixture.maps.forEach((ref, m) => {
    const [c, h, w] = ref.shape;
    const got = features[m].shape;
    if (got.join() !== [1, h, w, c].join()) {
      problems.push(`map ${m}: shape [${got}] instead of [1,${h},${w},${c}]`);
      return;
    }
    const data = features[m].dataSync();
    for (const [ci, y, x, want] of ref.samples) {
      const v = data[(y * w + x) * c + ci];
      if (!(abs(v - want) <= RTOL * abs(want) + ATOL))
        problems.push(`map ${m} [c${ci} y${y} x${x}]: ${v} vs ${want}`);
    }
    let sum = 0;
    let absSum = 0;
    for (const v of data) {
      sum += v;
      absSum += abs(v);
    }
    // The sum may cancel, so its tolerance is relative to the sum of magnitudes.
    if (!(Math.abs(sum - ref.sum) <= RTOL * ref.absSum + ATOL))
      problems.push(`map ${m}: sum ${sum} vs ${ref.sum}`);
    if (!(Math.abs(absSum - ref.absSum) <= RTOL * ref.absSum + ATOL)) {
      problems.push(`map ${m}: sum of magnitudes ${absSum} vs ${ref.absSum}`);
    }
  });
  return problems;
}
