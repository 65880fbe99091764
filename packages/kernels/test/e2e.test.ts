import * as tf from '@tensorflow/tfjs-core';
import { expectCloseArrays, seededTensor, setUpBackends } from './kernels-helpers';

beforeAll(setUpBackends);

const SHAPES: Record<string, number[]> = {
  w1: [3, 3, 3, 8],
  b1: [8],
  dw2: [3, 3, 8, 1],
  w3: [3, 3, 8, 8],
  gamma: [8],
  beta: [8],
  l2scale: [8],
  head: [3, 3, 8, 6],
};

/** 3x3 atrous conv as space-to-batch → conv → batch-to-space, 'same' size, as the SSD backbone builds it. */
function atrous(x: tf.Tensor4D, w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [, h, wd] = x.shape;
  const fit = (n: number) => Math.ceil((n + 2 * d) / d) * d - (n + 2 * d);
  const padded = tf.pad(x, [
    [0, 0],
    [d, d],
    [d, d],
    [0, 0],
  ]);
  const blocks = tf.spaceToBatchND(
    padded,
    [d, d],
    [
      [0, fit(h)],
      [0, fit(wd)],
    ],
  ) as tf.Tensor4D;
  const out = tf.batchToSpaceND(
    tf.conv2d(blocks, w, 1, 'valid'),
    [d, d],
    [
      [0, 0],
      [0, 0],
    ],
  ) as tf.Tensor4D;
  return tf.slice(out, [0, 0, 0, 0], [-1, h, wd, -1]);
}

/**
 * A miniature SSD: conv+bias→relu6, depthwise s2→hard-swish, atrous conv→batch-norm (batch moments)→relu,
 * maxpool 3x3 s1 and 2x2 s2, L2-normalise with scale, a head conv, then softmax cross-entropy over gathered
 * labels (gather) plus a smooth-L1-like term, mean-reduced.
 */
function miniSsdLoss(v: Record<string, tf.Variable>, x: tf.Tensor4D, picks: tf.Tensor1D): tf.Scalar {
  let h = tf.relu6(tf.add(tf.conv2d(x, v.w1 as tf.Tensor4D, 1, 'same'), v.b1!)) as tf.Tensor4D;
  h = tf.depthwiseConv2d(h, v.dw2 as tf.Tensor4D, 2, 'same');
  h = tf.mul(h, tf.div(tf.relu6(tf.add(h, 3)), 6)) as tf.Tensor4D;
  h = atrous(h, v.w3 as tf.Tensor4D, 2);
  const mean = tf.mean(h, [0, 1, 2], true);
  const variance = tf.mean(tf.square(tf.sub(h, mean)), [0, 1, 2], true);
  h = tf.relu(
    tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-5))), v.gamma!), v.beta!),
  ) as tf.Tensor4D;
  h = tf.maxPool(tf.maxPool(h, 3, 1, 'same'), 2, 2, 'valid');
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(h), 3, true), 1e-10));
  h = tf.mul(tf.div(h, norm), v.l2scale!);
  const logits = tf.reshape(tf.conv2d(h, v.head as tf.Tensor4D, 1, 'same'), [-1, 3]);
  const logProbs = tf.reshape(tf.logSoftmax(logits), [-1]);
  const picked = tf.gather(logProbs, picks);
  // Smooth L1 (beta 0.2) of sigmoid(logits) - 0.5, written with minimum: comparison ops have no tfjs gradient.
  const diff = tf.abs(tf.sub(tf.sigmoid(logits), 0.5));
  const inner = tf.minimum(diff, 0.2);
  const smoothL1 = tf.add(tf.mul(tf.square(inner), 2.5), tf.sub(diff, inner));
  return tf.add(tf.neg(tf.mean(picked)), tf.mean(smoothL1)) as tf.Scalar;
}

/** Loss and gradients of every variable (in SHAPES order) on `backend`, as arrays. */
async function lossAndGrads(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const names = Object.keys(SHAPES);
  const vars: Record<string, tf.Variable> = {};
  names.forEach((name, i) => {
    vars[name] = tf.variable(
      tf.tidy(() => tf.mul(seededTensor(SHAPES[name]!, 30 + i), 0.5)),
      true,
      `e2e_${backend}_${name}`,
    );
  });
  const out = tf.tidy(() => {
    const x = seededTensor([2, 16, 16, 3], 1) as tf.Tensor4D;
    // Flat index of each anchor's label (0..2, from the seed) in the [anchors × 3] log-probabilities:
    // 2 images × 4×4 cells × 2 anchors.
    const picks = tf.tensor1d(
      Array.from(seededTensor([64], 2).dataSync(), (u, anchor) => anchor * 3 + Math.floor((u + 1) * 1.5)),
      'int32',
    );
    const { value, grads } = tf.variableGrads(
      () => miniSsdLoss(vars, x, picks),
      names.map((n) => vars[n]!),
    );
    return [value, ...names.map((n) => grads[vars[n]!.name]!)].map((t) => t.dataSync() as Float32Array);
  });
  tf.dispose(Object.values(vars));
  return out;
}

test('variableGrads of a small SSD-like net agree between wasm and the pure-JS backend', async () => {
  const wasm = await lossAndGrads('wasm');
  const cpu = await lossAndGrads('cpu');
  expect(Number.isFinite(cpu[0]![0]!)).toBe(true);
  // Every variable receives a non-zero gradient, so the comparison covers each path.
  for (const g of cpu.slice(1)) expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(0);
  expectCloseArrays(wasm, cpu, 1e-4);
});
