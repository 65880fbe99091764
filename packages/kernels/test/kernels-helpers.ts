// Shared by the kernels*.test.ts files: run the same computation on the wasm backend (with the registered
// gradient kernels) and on the pure-JS cpu backend, and compare.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@ssd/random';
import { registerTrainingKernels } from '../src';

/** Registers the kernels and makes sure both backends can start. */
export async function setUpBackends(): Promise<void> {
  registerTrainingKernels('wasm');
  for (const name of ['cpu', 'wasm']) {
    if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not start`);
  }
}

/** Deterministic values in [-1, 1), so failures reproduce. */
export function seeded(size: number, seed: number): Float32Array {
  return new Rng(seed).uniformValues(size, -1, 1);
}

/** Seeded float32 tensor of `shape`. */
export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seeded(tf.util.sizeFromShape(shape), seed), shape);
}

/** What `compute` returns, as plain arrays, when run on backend `name`; no tensors outlive it. */
export async function runOn(name: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(name);
  return tf.tidy(() => {
    const out = compute();
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

/** `compute` on wasm and on cpu. */
export async function onBothBackends(
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  return { wasm: await runOn('wasm', compute), cpu: await runOn('cpu', compute) };
}

/** Asserts equal lengths and |a - e| ≤ rtol · max|e| elementwise (relative to the tensor's scale). */
export function expectCloseArrays(actual: Float32Array[], expected: Float32Array[], rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => {
    const a = actual[k]!;
    expect(a.length).toBe(e.length);
    let scale = 1e-6;
    let worst = 0;
    for (let i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]!));
      worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
    }
    expect(worst).toBeLessThanOrEqual(rtol * scale);
  });
}

/** Gradients of sum(f(inputs) · w) for a fixed seeded weighting w, so every output cell counts differently. */
export function weightedGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): tf.Tensor[] {
  return tf.grads((...xs: tf.Tensor[]) => {
    const y = f(...xs);
    return tf.sum(tf.mul(y, seededTensor(y.shape, 99)));
  })(inputs);
}
