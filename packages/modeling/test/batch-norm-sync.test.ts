import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// Gradients ship in the @tensorflow/tfjs umbrella (a dev dependency here; users train through @ssd/trainer).
import '@tensorflow/tfjs';
import { BatchNorm2d, type BatchNormSync, Scope, StateStore, withBatchNormSync } from '../src/nn';
import { maxAbsDiff, seededValues } from './nn-reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const C = 3;
const EPS = 1e-5;
/** Images [4, 3, 5, C], channels offset and scaled apart so each half of the batch has its own statistics. */
const SHAPE: [number, number, number, number] = [4, 3, 5, C];
const SIZE = 4 * 3 * 5 * C;
const HALF = SIZE / 2;
const X = Float32Array.from(
  seededValues(SIZE, 21),
  (v, i) => v * (1 + (i % C)) + 2 * (i % C) + (i < HALF ? 1 : -1),
);
/** The loss Σ y·W makes dy = W. */
const W = Float32Array.from(seededValues(SIZE, 22));

interface Result {
  y: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
}

/** One training-mode forward/backward of a fresh BatchNorm on `x` (images of SHAPE's size) under `sync`. */
function run(x: Float32Array, w: Float32Array, sync: BatchNormSync | null): Result {
  const store = new StateStore();
  const bn = new BatchNorm2d(new Scope(store, 'bn'), { numFeatures: C });
  bn.weight.assign(tf.tensor1d([1.5, -0.5, 2]));
  bn.bias.assign(tf.tensor1d([0.1, 0.2, -0.3]));
  const shape: [number, number, number, number] = [
    x.length / (SHAPE[1] * SHAPE[2] * C),
    SHAPE[1],
    SHAPE[2],
    C,
  ];
  const xv = tf.variable(tf.tensor4d(x, shape));
  let y: Float32Array = new Float32Array();
  const { grads } = withBatchNormSync(sync, () =>
    tf.variableGrads(() => {
      const out = bn.forward(xv, { training: true });
      y = out.dataSync() as Float32Array;
      return tf.sum(tf.mul(out, tf.tensor4d(w, shape)));
    }, [xv, bn.weight, bn.bias]),
  );
  const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
  const result = {
    y,
    dx: read(grads[xv.name]!),
    dGamma: read(grads[bn.weight.name]!),
    dBeta: read(grads[bn.bias.name]!),
    runningMean: read(bn.runningMean),
    runningVar: read(bn.runningVar),
  };
  tf.dispose([xv, ...Object.values(grads)]);
  store.dispose();
  return result;
}

/** Per-channel values of an NHWC array. */
function channel(a: ArrayLike<number>, c: number): number[] {
  return Array.from(a).filter((_, i) => i % C === c);
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

describe('BatchNorm2d under a BatchNormSync', () => {
  it('gives the first half of a batch the whole batch’s output, input gradient and running statistics', () => {
    const whole = run(X, W, null);
    // The second half as another replica would send it, worked out here in float64 from the whole batch.
    const xB = X.subarray(HALF);
    const wB = W.subarray(HALF);
    const n = xB.length / C;
    const mean = [0, 1, 2].map((c) => sum(channel(X, c)) / (2 * n));
    const variance = [0, 1, 2].map((c) => sum(channel(X, c).map((v) => (v - mean[c]!) ** 2)) / (2 * n));
    const meanB = [0, 1, 2].map((c) => sum(channel(xB, c)) / n);
    const varB = [0, 1, 2].map((c) => sum(channel(xB, c).map((v) => (v - meanB[c]!) ** 2)) / n);
    const xHatB = Array.from(xB, (v, i) => (v - mean[i % C]!) / Math.sqrt(variance[i % C]! + EPS));
    const dBetaB = [0, 1, 2].map((c) => sum(channel(wB, c)));
    const dGammaB = [0, 1, 2].map((c) => sum(channel(wB, c).map((v, j) => v * channel(xHatB, c)[j]!)));
    const replies = [Float64Array.from([n, ...meanB, ...varB]), Float64Array.from([...dBetaB, ...dGammaB])];
    const calls: string[] = [];
    const sync: BatchNormSync = {
      allGather(values, layer) {
        calls.push(layer);
        return [values, replies[calls.length - 1]!];
      },
    };

    const half = run(X.subarray(0, HALF), W.subarray(0, HALF), sync);
    expect(calls).toEqual(['bn', 'bn']);
    expect(maxAbsDiff(half.y, whole.y.subarray(0, HALF))).toBeLessThan(1e-5);
    expect(maxAbsDiff(half.dx, whole.dx.subarray(0, HALF))).toBeLessThan(1e-5);
    // The parameters' gradients stay this replica's part: the replicas' sum is the batch's.
    expect(
      maxAbsDiff(
        Array.from(half.dGamma, (g, c) => g + dGammaB[c]!),
        whole.dGamma,
      ),
    ).toBeLessThan(1e-4);
    expect(
      maxAbsDiff(
        Array.from(half.dBeta, (g, c) => g + dBetaB[c]!),
        whole.dBeta,
      ),
    ).toBeLessThan(1e-4);
    expect(maxAbsDiff(half.runningMean, whole.runningMean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(half.runningVar, whole.runningVar)).toBeLessThan(1e-6);

    // The halves' own statistics differ from the batch's, so without the sync none of this would hold.
    const alone = run(X.subarray(0, HALF), W.subarray(0, HALF), null);
    expect(maxAbsDiff(alone.y, whole.y.subarray(0, HALF))).toBeGreaterThan(0.1);
    expect(maxAbsDiff(alone.dx, whole.dx.subarray(0, HALF))).toBeGreaterThan(0.01);
  });

  it('checks one value per channel against every replica’s positions together', () => {
    const one = Float32Array.from({ length: C }, (_, i) => i);
    const single: BatchNormSync = { allGather: (values) => [values] };
    const pair: BatchNormSync = { allGather: (values) => [values, values] };
    const store = new StateStore();
    const bn = new BatchNorm2d(new Scope(store, 'bn'), { numFeatures: C });
    const x = tf.tensor4d(one, [1, 1, 1, C]);
    expect(() => withBatchNormSync(single, () => bn.forward(x, { training: true }))).toThrow(
      /BatchNorm bn: expected more than 1 value per channel .* on every replica together/,
    );
    expect(withBatchNormSync(pair, () => bn.forward(x, { training: true })).shape).toEqual([1, 1, 1, C]);
    x.dispose();
    store.dispose();
  });
});
