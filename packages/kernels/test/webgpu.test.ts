/**
 * Our WGSL gradient kernels (and webgpu's tiled input gradient we switch on) against the pure-JS backend, on
 * the shapes an SSD network gives them: strides 1 and 2, 'same', 'valid' and explicit padding, 1×1 to 5×5
 * filters, channel counts that do not fill a 64-wide tile, and reductions long enough to be split.
 */
import { nn } from '@ssd/modeling';
import { SGD, SGD_MOMENTUM_UPDATE } from '@ssd/solver';
import { describeWebGpu, useWebGpu } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src';
import { RELU6_GRAD } from '../src/gradients/relu6-gradient';
import { initBackend } from './backends';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
/** [batch, height, width, in channels, filter size, out channels, stride, padding]. */
type ConvCase = [number, number, number, number, number, number, 1 | 2, Pad];

const CONV_CASES: ConvCase[] = [
  [2, 9, 9, 3, 3, 8, 1, 'same'],
  [2, 10, 10, 16, 3, 70, 2, 'same'],
  [1, 7, 5, 5, 1, 9, 1, 'valid'],
  [
    2,
    8,
    8,
    24,
    3,
    40,
    1,
    [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  ],
  // N·H·W = 4096 output pixels: the reduction is split over workgroups.
  [4, 32, 32, 8, 3, 16, 1, 'same'],
];
const DEPTHWISE_CASES: ConvCase[] = [
  [2, 10, 10, 16, 3, 16, 1, 'same'],
  [2, 11, 11, 24, 3, 24, 2, 'same'],
  [
    2,
    9,
    9,
    8,
    5,
    8,
    2,
    [
      [0, 0],
      [1, 2],
      [1, 2],
      [0, 0],
    ],
  ],
  [4, 32, 32, 16, 3, 16, 2, 'same'],
];

interface Gradients {
  dx: Float32Array;
  dw: Float32Array;
}

/** Gradients of Σ conv(x, w)·dy with respect to x and w, for fixed random x, w and dy. */
async function gradients(
  [n, h, w, ci, k, co, stride, pad]: ConvCase,
  depthwise: boolean,
): Promise<Gradients> {
  const conv = (a: tf.Tensor4D, f: tf.Tensor4D) =>
    depthwise ? tf.depthwiseConv2d(a, f, stride, pad) : tf.conv2d(a, f, stride, pad);
  const x = tf.randomNormal([n, h, w, ci], 0, 1, 'float32', 1) as tf.Tensor4D;
  const f = tf.randomNormal(depthwise ? [k, k, ci, 1] : [k, k, ci, co], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal(conv(x, f).shape, 0, 1, 'float32', 3);
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy)),
  )([x, f]);
  const out = { dx: (await gx!.data()) as Float32Array, dw: (await gw!.data()) as Float32Array };
  tf.dispose([x, f, dy, gx!, gw!]);
  return out;
}

/** max |a − b| / max |a|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  a.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(v - b[i]!));
  });
  return diff / scale;
}

describeWebGpu('webgpu gradient kernels equal the js backend', () => {
  const expected = new Map<string, Gradients>();
  const cases = [
    ...CONV_CASES.map((c) => ({ c, depthwise: false })),
    ...DEPTHWISE_CASES.map((c) => ({ c, depthwise: true })),
  ];

  beforeAll(async () => {
    await initBackend('js');
    registerTrainingKernels('cpu');
    for (const { c, depthwise } of cases)
      expected.set(JSON.stringify([c, depthwise]), await gradients(c, depthwise));
    await useWebGpu(initBackend);
    expect(registerTrainingKernels('webgpu')).toEqual([
      tf.Conv2DBackpropFilter,
      tf.DepthwiseConv2dNativeBackpropFilter,
      nn.BATCH_NORM_APPLY,
      nn.BATCH_NORM_GRAD,
      RELU6_GRAD,
      SGD_MOMENTUM_UPDATE,
      tf.Sum,
      tf.Mean,
    ]);
  });

  afterAll(() => initBackend('js'));

  it.each(
    cases.map(({ c, depthwise }) => [depthwise ? 'depthwise' : 'conv', JSON.stringify(c), c, depthwise]),
  )('%s %s', async (_kind, _name, c, depthwise) => {
    const want = expected.get(JSON.stringify([c, depthwise]))!;
    const got = await gradients(c as ConvCase, depthwise as boolean);
    // float32 sums of up to a few thousand products in another order.
    expect(relativeError(want.dx, got.dx)).toBeLessThan(1e-5);
    expect(relativeError(want.dw, got.dw)).toBeLessThan(1e-5);
  });
});

/** [shape, axes, keepDims, mean]: batch-norm-like reductions over leading axes, and others left to webgpu. */
type ReduceCase = [number[], number[], boolean, boolean];
const REDUCE_CASES: ReduceCase[] = [
  [[2, 5, 7, 24], [0, 1, 2], false, false],
  [[2, 5, 7, 24], [0, 1, 2], true, true],
  [[4, 60, 60, 3], [0, 1, 2], false, true],
  [[3, 40, 17], [0, 1], false, false],
  [[2, 5, 7, 24], [1, 2], false, false],
  [[6, 50], [1], true, true],
];

async function reduce([shape, axes, keepDims, mean]: ReduceCase): Promise<{
  shape: number[];
  values: Float32Array;
}> {
  const x = tf.randomNormal(shape, 1, 2, 'float32', 6);
  const y = mean ? tf.mean(x, axes, keepDims) : tf.sum(x, axes, keepDims);
  const out = { shape: y.shape, values: (await y.data()) as Float32Array };
  tf.dispose([x, y]);
  return out;
}

describeWebGpu('webgpu reductions over leading axes equal the js backend', () => {
  const expected = new Map<string, { shape: number[]; values: Float32Array }>();

  beforeAll(async () => {
    await initBackend('js');
    for (const c of REDUCE_CASES) expected.set(JSON.stringify(c), await reduce(c));
    await useWebGpu(initBackend);
    registerTrainingKernels('webgpu');
  });

  afterAll(() => initBackend('js'));

  it.each(REDUCE_CASES.map((c) => [JSON.stringify(c), c]))('%s', async (key, c) => {
    const want = expected.get(key as string)!;
    const got = await reduce(c as ReduceCase);
    expect(got.shape).toEqual(want.shape);
    expect(relativeError(want.values, got.values)).toBeLessThan(1e-5);
  });
});

/** Parameter sizes: a small one, and one over a dispatch dimension's 65535 × 256 threads (the kernel strides). */
const SGD_SIZES = [37, 65535 * 256 + 300];

/** Each parameter after three SGD steps (the first makes the momentum buffer; the next two are fused ones). */
async function sgdSteps(): Promise<Float32Array[]> {
  const params = new Map(
    SGD_SIZES.map((n, i) => [`p${i}`, tf.variable(tf.randomNormal([n], 0, 1, 'float32', 10 + i))]),
  );
  const sgd = new SGD(params, { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  for (let step = 0; step < 3; step++) {
    const grads = Object.fromEntries(
      [...params.values()].map((v, i) => [
        v.name,
        tf.randomNormal(v.shape, 0, 1, 'float32', 20 + 3 * i + step),
      ]),
    );
    sgd.step(grads);
    tf.dispose(Object.values(grads));
  }
  const out = await Promise.all([...params.values()].map(async (v) => (await v.data()) as Float32Array));
  sgd.dispose();
  tf.dispose([...params.values()]);
  return out;
}

describeWebGpu('webgpu SGD momentum step equals the js backend', () => {
  let expected: Float32Array[];

  beforeAll(async () => {
    await initBackend('js');
    expected = await sgdSteps();
    await useWebGpu(initBackend);
    registerTrainingKernels('webgpu');
  });

  afterAll(() => initBackend('js'));

  it("fused on webgpu (two dispatches a parameter) gives the composed ops' parameters", async () => {
    expect(tf.getKernel(SGD_MOMENTUM_UPDATE, 'webgpu')).toBeDefined();
    const profile = await tf.profile(async () => {
      const got = await sgdSteps();
      for (const [i, values] of got.entries()) {
        expect(relativeError(expected[i]!, values)).toBeLessThan(1e-6);
      }
    });
    // Steps 2 and 3 of both parameters run the fused kernel; step 1 composes ops to make the buffers.
    expect(profile.kernels.filter((k) => k.name === SGD_MOMENTUM_UPDATE)).toHaveLength(4);
  });
});

/** Training-mode batch norm inputs: channels that do not fill a workgroup; rows enough to split the sums. */
const BATCH_NORM_SHAPES: [number, number, number, number][] = [
  [2, 5, 7, 24],
  [4, 30, 30, 16],
];

/** A BatchNorm2d's training output, its gradients (x, γ, β) for a fixed dy, and its new running statistics. */
async function batchNormStep(shape: [number, number, number, number]): Promise<Float32Array[]> {
  const store = new nn.StateStore();
  const bn = new nn.BatchNorm2d(new nn.Scope(store, 'bn'), { numFeatures: shape[3] });
  bn.weight.assign(tf.randomNormal([shape[3]], 1, 0.5, 'float32', 30));
  bn.bias.assign(tf.randomNormal([shape[3]], 0, 0.5, 'float32', 31));
  const x = tf.randomNormal(shape, 0.5, 2, 'float32', 32) as tf.Tensor4D;
  const dy = tf.randomNormal(shape, 0, 1, 'float32', 33);
  const ctx = { training: true };
  const y = bn.forward(x, ctx);
  const input = tf.variable(x);
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(bn.forward(input, ctx), dy)),
    [input, bn.weight, bn.bias],
  );
  const [dx, dGamma, dBeta] = [input, bn.weight, bn.bias].map((v) => grads[v.name]!);
  const out = await Promise.all(
    [y, dx!, dGamma!, dBeta!, bn.runningMean, bn.runningVar].map(
      async (t) => (await t.data()) as Float32Array,
    ),
  );
  tf.dispose([x, dy, y, input, dx!, dGamma!, dBeta!]);
  store.dispose();
  return out;
}

describeWebGpu('webgpu batch norm training kernels equal the js backend', () => {
  const expected = new Map<string, Float32Array[]>();

  beforeAll(async () => {
    await initBackend('js');
    registerTrainingKernels('cpu');
    for (const shape of BATCH_NORM_SHAPES) expected.set(JSON.stringify(shape), await batchNormStep(shape));
    await useWebGpu(initBackend);
    registerTrainingKernels('webgpu');
  });

  afterAll(() => initBackend('js'));

  it.each(BATCH_NORM_SHAPES.map((s) => [JSON.stringify(s), s]))(
    '%s: y, dx, dγ, dβ, running stats',
    async (key, shape) => {
      let got: Float32Array[] = [];
      const profile = await tf.profile(async () => {
        got = await batchNormStep(shape as [number, number, number, number]);
      });
      const want = expected.get(key as string)!;
      for (const [i, values] of got.entries()) expect(relativeError(want[i]!, values)).toBeLessThan(1e-5);
      const names = profile.kernels.map((k) => k.name);
      expect(names).toContain(nn.BATCH_NORM_APPLY);
      expect(names).toContain(nn.BATCH_NORM_GRAD);
    },
  );
});

/** Relu6's input gradient for a fixed dy: values on both sides of 0 and 6, both exactly, and a NaN. */
async function relu6Gradient(): Promise<Float32Array> {
  const values = Float32Array.from({ length: 3 * 7 * 5 * 8 }, (_, i) => ((i * 37) % 121) / 10 - 3);
  values.set([0, 6, -0, Number.NaN, 6.0000005, 1e-30], 0);
  const x = tf.tensor4d(values, [3, 7, 5, 8]);
  const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 40);
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu6(a), dy)))(x);
  const out = (await dx.data()) as Float32Array;
  tf.dispose([x, dy, dx]);
  return out;
}

describeWebGpu('webgpu Relu6 gradient equals the js backend', () => {
  let expected: Float32Array;

  beforeAll(async () => {
    await initBackend('js');
    registerTrainingKernels('cpu');
    expected = await relu6Gradient();
    await useWebGpu(initBackend);
    registerTrainingKernels('webgpu');
  });

  afterAll(() => initBackend('js'));

  it('in one kernel: dy on (0, 6], 0 elsewhere, NaN for NaN', async () => {
    let got: Float32Array = new Float32Array(0);
    const profile = await tf.profile(async () => {
      got = await relu6Gradient();
    });
    expect(profile.kernels.map((k) => k.name)).toContain(RELU6_GRAD);
    expect(Number.isNaN(expected[3]!)).toBe(true);
    for (const [i, want] of expected.entries()) {
      if (Number.isNaN(want)) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(1e-7 * Math.abs(want));
    }
    // Not all zero: the kernel passes dy through inside the range.
    expect(got.filter((v) => v !== 0 && !Number.isNaN(v)).length).toBeGreaterThan(got.length / 3);
  });
});
