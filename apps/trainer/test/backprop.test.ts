import '@tensorflow/tfjs-backend-wasm';
import { buildPriors, matchAndEncode } from '@ssd/boxes';
import { loadConfig } from '@ssd/config';
import { registerTrainingKernels } from '@ssd/kernels';
import { buildDetectionModel } from '@ssd/modeling';
import { TINY_MOBILENET_CONFIG } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { forwardKeptBytes, leanGradients } from '../src/step/backprop';

beforeAll(async () => {
  registerTrainingKernels('wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
});

/** How far `tf.memory().numBytes` rose above its start while `f` ran, measured after every kernel. */
function peakBytes<T>(f: () => T): { result: T; peak: number } {
  const engine = tf.engine() as unknown as { runKernelFunc: (...a: unknown[]) => unknown };
  const own = engine.runKernelFunc;
  const start = tf.memory().numBytes;
  let peak = start;
  engine.runKernelFunc = (...args: unknown[]) => {
    const out = own.apply(engine, args);
    peak = Math.max(peak, tf.memory().numBytes);
    return out;
  };
  try {
    const result = f();
    return { result, peak: peak - start };
  } finally {
    engine.runKernelFunc = own;
  }
}

function expectSameBits(actual: tf.Tensor, expected: tf.Tensor): void {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  expect([...e.keys()].filter((i) => !Object.is(a[i], e[i]))).toEqual([]);
}

test("a detector's gradients equal tfjs's variableGrads bit for bit, with a lower peak and nothing left over", () => {
  const cfg = loadConfig(TINY_MOBILENET_CONFIG);
  const model = buildDetectionModel(cfg);
  const vars = [...model.trainableVariables().values()];
  const priors = buildPriors(cfg);
  const enc = matchAndEncode(Float32Array.from([0.1, 0.2, 0.6, 0.7]), Int32Array.from([2]), priors, cfg);
  const p = priors.length / 4;
  const images = tf.randomUniform([2, 64, 64, 3], -100, 100, 'float32', 7) as tf.Tensor4D;
  const targets = {
    boxes: tf.tensor3d([...enc.locations, ...enc.locations], [2, p, 4]),
    labels: tf.tensor2d([...enc.labels, ...enc.labels], [2, p], 'int32'),
  };
  const loss = () => {
    const { regLoss, clsLoss } = model.loss(images, targets);
    return tf.add(regLoss, clsLoss) as tf.Scalar;
  };
  // The same draws and BatchNorm statistics each time: no random layers, and the running statistics do not
  // enter a training pass.
  const tensorsBefore = tf.memory().numTensors;
  const tfjs = peakBytes(() => tf.variableGrads(loss, vars));
  const lean = peakBytes(() => leanGradients(loss, vars));
  expectSameBits(lean.result.value, tfjs.result.value);
  vars.forEach((v, i) => {
    expectSameBits(lean.result.grads[i]!, tfjs.result.grads[v.name]!);
  });
  expect(lean.peak).toBeLessThan(0.7 * tfjs.peak);
  tf.dispose([tfjs.result.value, ...Object.values(tfjs.result.grads), lean.result.value]);
  tf.dispose(lean.result.grads as tf.Tensor[]);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  tf.dispose([images, targets.boxes, targets.labels]);
  model.dispose();
});

test('a gradient that hands its dy on to two inputs, and inputs used twice, sum as tfjs sums them', () => {
  const a = tf.variable(tf.tensor1d([1, -2, 3]), true, 'lean-a');
  const b = tf.variable(tf.tensor1d([0.5, 4, -1]), true, 'lean-b');
  // Both inputs get dy itself (the same tensor object) from this op's gradient.
  const passOn = tf.customGrad((...args: unknown[]) => {
    const [x, y] = args as [tf.Tensor, tf.Tensor];
    return {
      value: tf.add(x, y),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [dy as tf.Tensor, dy as tf.Tensor],
    };
  }) as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  const f = () => tf.sum(tf.mul(passOn(tf.mul(a, a), b), tf.add(b, passOn(a, a)))) as tf.Scalar;
  const before = tf.memory().numTensors;
  const expected = tf.variableGrads(f, [a, b]);
  const got = leanGradients(f, [a, b]);
  expectSameBits(got.value, expected.value);
  expectSameBits(got.grads[0]!, expected.grads[a.name]!);
  expectSameBits(got.grads[1]!, expected.grads[b.name]!);
  tf.dispose([expected.value, ...Object.values(expected.grads), got.value, ...(got.grads as tf.Tensor[])]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([a, b]);
});

test('forwardKeptBytes counts what the tape keeps (inputs Mul and Sum save) and leaves nothing behind', () => {
  const w = tf.variable(tf.ones([1000]), true, 'kept-w');
  const x = tf.ones([1000]);
  const before = tf.memory();
  // Mul keeps both inputs, Sum keeps its input (Mul's output), and the result: 3 × 1000 floats and one.
  expect(forwardKeptBytes(() => tf.sum(tf.mul(x, w)))).toBe((3 * 1000 + 1) * 4);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numBytes).toBe(before.numBytes);
  tf.dispose([w, x]);
});

test('leanGradients refuses to run inside another gradient computation and frees the tape on an error', () => {
  const w = tf.variable(tf.ones([4]), true, 'nested-w');
  const before = tf.memory().numTensors;
  expect(() =>
    leanGradients(() => {
      tf.mul(w, w);
      throw new Error('forward failed');
    }, [w]),
  ).toThrow('forward failed');
  expect(tf.memory().numTensors).toBe(before);
  expect(() => tf.grad(() => leanGradients(() => tf.sum(w) as tf.Scalar, [w]).value)(tf.ones([1]))).toThrow(
    /nested inside another gradient computation/,
  );
  w.dispose();
});
