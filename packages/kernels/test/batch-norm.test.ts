// wasm's training batch-norm kernels (SIMD on wasm's memory, and the JavaScript loops that stand in where that
// cannot run) against the composed ops they stand for, bit for bit: the gradient a training step takes through
// them must be the one the composed ops give.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import '@tensorflow/tfjs-backend-wasm';
import { nn } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src';
import { applyLoop, dxLoop, dzLoop } from '../src/wasm/batch-norm';
import { batchNormSimd } from '../src/wasm/simd/batch-norm-simd';
import { seeded } from './kernels-helpers';

// 7 channels: four through the SIMD lanes, three through the one-at-a-time tail.
const SHAPE = [2, 5, 3, 7];
const C = SHAPE[3]!;

beforeAll(async () => {
  registerTrainingKernels('wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
});

/**
 * Inputs where the activations' edges show: x spread over [-10, 10) (past Relu6's 6), and channel 0 an identity
 * normalisation (μ 0, s 1, γ 1, β 0) fed exact 0, 6, NaN and ±∞.
 */
function inputs() {
  const x = seeded(tf.util.sizeFromShape(SHAPE), 1).map((v) => v * 10);
  [0, 6, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0].forEach((v, i) => {
    x[i * C] = v;
  });
  const perChannel = (seed: number, lo: number, hi: number, first: number) => {
    const v = seeded(C, seed).map((u) => lo + ((u + 1) / 2) * (hi - lo));
    v[0] = first;
    return tf.tensor1d(v);
  };
  return {
    x: tf.tensor4d(x, SHAPE as [number, number, number, number]),
    dy: tf.tensor4d(seeded(x.length, 2), SHAPE as [number, number, number, number]),
    mean: perChannel(3, -2, 2, 0),
    invStd: perChannel(4, 0.1, 3, 1),
    gamma: perChannel(5, -1.5, 1.5, 1),
    beta: perChannel(6, -3, 3, 0),
  };
}

function expectSameBits(actual: tf.Tensor | Float32Array, expected: tf.Tensor): void {
  const a = actual instanceof Float32Array ? actual : actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  const differ = [...e.keys()].filter((i) => !Object.is(a[i], e[i]));
  expect(differ.map((i) => [i, a[i], e[i]])).toEqual([]);
}

const MASKS = {
  linear: null,
  relu: (z: tf.Tensor) => tf.step(z),
  relu6: (z: tf.Tensor) => tf.sub(tf.step(z), tf.step(tf.sub(z, 6))),
} as const;

test('the SIMD module runs on the wasm backend, assembled from the committed batch-norm.wat', () => {
  expect(batchNormSimd(tf.backend())).not.toBeNull();
  const script = path.join(__dirname, '..', 'scripts', 'assemble-wat.js');
  expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
});

test('SsdBatchNormApply is (x − μ)·s·γ + β', () => {
  tf.tidy(() => {
    const { x, mean, invStd, gamma, beta } = inputs();
    const out = tf.engine().runKernel(nn.BATCH_NORM_APPLY, { x, mean, invStd, gamma, beta }) as tf.Tensor;
    const composed = tf.add(tf.mul(tf.mul(tf.sub(x, mean), invStd), gamma), beta);
    expectSameBits(out, composed);
    const loop = new Float32Array(x.size);
    const [xv, mv, sv, gv, bv] = [x, mean, invStd, gamma, beta].map((t) => t.dataSync() as Float32Array);
    applyLoop(xv!, mv!, sv!, gv!, bv!, loop);
    expectSameBits(loop, composed);
  });
});

test.each(Object.keys(MASKS) as (keyof typeof MASKS)[])(
  'SsdBatchNormDz and SsdBatchNormDx after %s are the composed gradient',
  (activation) => {
    tf.tidy(() => {
      const { x, dy, mean, invStd, gamma, beta } = inputs();
      const xHat = tf.mul(tf.sub(x, mean), invStd);
      const z = tf.add(tf.mul(xHat, gamma), beta);
      const mask = MASKS[activation];
      const dzExpected = mask ? tf.mul(dy, mask(z)) : dy;
      const [dz, dzXHat] = tf
        .engine()
        .runKernel(nn.BATCH_NORM_DZ, { dy, x, mean, invStd, gamma, beta }, { activation }) as tf.Tensor[];
      expectSameBits(dz!, dzExpected);
      expectSameBits(dzXHat!, tf.mul(dzExpected, xHat));

      const count = 2 * 5 * 3;
      const dBeta = tf.sum(dz!, [0, 1, 2]);
      const dGamma = tf.sum(dzXHat!, [0, 1, 2]);
      const dx = tf
        .engine()
        .runKernel(
          nn.BATCH_NORM_DX,
          { dz: dz!, x, mean, invStd, gamma, dBeta, dGamma },
          { count },
        ) as tf.Tensor;
      const factor = tf.mul(gamma, tf.div(invStd, count));
      const composed = tf.mul(tf.sub(tf.sub(tf.mul(dz!, count), dBeta), tf.mul(xHat, dGamma)), factor);
      expectSameBits(dx, composed);

      const [dyv, xv, mv, sv, gv, bv] = [dy, x, mean, invStd, gamma, beta].map(
        (t) => t.dataSync() as Float32Array,
      );
      const [dzLooped, tLooped, dxLooped] = [0, 1, 2].map(() => new Float32Array(x.size));
      dzLoop(
        dyv!,
        xv!,
        mv!,
        sv!,
        gv!,
        bv!,
        dzLooped!,
        tLooped!,
        { linear: 0, relu: 1, relu6: 2 }[activation],
      );
      expectSameBits(dzLooped!, dzExpected);
      expectSameBits(tLooped!, tf.mul(dzExpected, xHat));
      const [db, dg, f] = [dBeta, dGamma, factor].map((t) => t.dataSync() as Float32Array);
      dxLoop(dzLooped!, xv!, mv!, sv!, db!, dg!, f!, dxLooped!, count);
      expectSameBits(dxLooped!, composed);
    });
  },
);

test('the kernels name a bad activation, a bad count and a non-float input', () => {
  tf.tidy(() => {
    const { x, dy, mean, invStd, gamma, beta } = inputs();
    const run = (kernel: string, ins: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap) => () =>
      tf.engine().runKernel(kernel, ins as tf.NamedTensorMap, attrs);
    expect(run(nn.BATCH_NORM_DZ, { dy, x, mean, invStd, gamma, beta }, { activation: 'elu' })).toThrow(
      /SsdBatchNormDz: not supported: activation 'elu'/,
    );
    const sums = { dBeta: mean, dGamma: mean };
    expect(run(nn.BATCH_NORM_DX, { dz: dy, x, mean, invStd, gamma, ...sums }, { count: 0 })).toThrow(
      /SsdBatchNormDx: count must be positive/,
    );
    const ints = tf.cast(x, 'int32');
    expect(run(nn.BATCH_NORM_APPLY, { x: ints, mean, invStd, gamma, beta }, {})).toThrow(
      /SsdBatchNormApply: x must be float32/,
    );
  });
});
