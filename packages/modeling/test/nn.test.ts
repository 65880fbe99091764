import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '@ssd/random';
import * as tf from '@tensorflow/tfjs-core';
// Gradients ship in the @tensorflow/tfjs umbrella (a dev dependency here; users train through @ssd/trainer).
import '@tensorflow/tfjs';
import {
  BatchNorm2d,
  Conv2d,
  type Conv2dOptions,
  computeFans,
  kaimingNormalFanOut,
  L2Norm,
  Linear,
  MaxPool2d,
  ReLU,
  ReLU6,
  Scope,
  SeparableConv2d,
  Sequential,
  StateStore,
  type TorchTensorLike,
  torchDefaultUniform,
  xavierUniform,
} from '../src/nn';
import { convNCHW, maxAbsDiff, maxPoolNCHW, nchwToNhwc, seededValues } from './nn-reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const train = { training: true };
const infer = { training: false };

function torchTensor(shape: number[], seed: number): TorchTensorLike {
  return {
    shape,
    dtype: 'float32',
    data: seededValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  };
}

/** Loads random PyTorch-layout weights into every tensor of the store and returns them by name. */
function loadRandomTorchWeights(store: StateStore): Map<string, TorchTensorLike> {
  const map = new Map<string, TorchTensorLike>();
  store.entries().forEach((e, i) => {
    map.set(
      e.name,
      e.variable.dtype === 'int32'
        ? { shape: [], dtype: 'int64', data: [0n] }
        : torchTensor([...e.torchShape], 100 + i),
    );
  });
  store.loadTorch(map);
  return map;
}

describe('Conv2d against a direct PyTorch-semantics convolution', () => {
  const cases: Array<[string, Conv2dOptions, [number, number, number, number], number[]]> = [
    [
      '3x3 stride 1 pad 1',
      { inChannels: 3, outChannels: 5, kernelSize: 3, padding: 1 },
      [1, 1, 1, 1],
      [2, 3, 7, 6],
    ],
    [
      '3x3 stride 2 pad 1 odd input',
      { inChannels: 4, outChannels: 3, kernelSize: 3, stride: 2, padding: 1 },
      [1, 1, 1, 1],
      [1, 4, 9, 7],
    ],
    [
      '1x1 no bias',
      { inChannels: 6, outChannels: 2, kernelSize: 1, bias: false },
      [0, 0, 0, 0],
      [1, 6, 4, 4],
    ],
    [
      'dilation 3 pad 3 (fc6-like)',
      { inChannels: 3, outChannels: 4, kernelSize: 3, padding: 3, dilation: 3 },
      [3, 3, 3, 3],
      [1, 3, 8, 7],
    ],
    [
      'dilation 6 pad 6 on 1x1',
      { inChannels: 2, outChannels: 3, kernelSize: 3, padding: 6, dilation: 6 },
      [6, 6, 6, 6],
      [2, 2, 1, 1],
    ],
    [
      '4x4 kernel pad 1 (SSD512 extra)',
      { inChannels: 3, outChannels: 2, kernelSize: 4, padding: 1 },
      [1, 1, 1, 1],
      [1, 3, 3, 3],
    ],
    [
      'explicit asymmetric pad',
      { inChannels: 2, outChannels: 2, kernelSize: 3, padding: [0, 2, 1, 0] },
      [0, 2, 1, 0],
      [1, 2, 5, 5],
    ],
    [
      'TF same pad, stride 2 even input',
      { inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 'same' },
      [0, 1, 0, 1],
      [1, 2, 6, 6],
    ],
    [
      'depthwise 3x3 stride 2',
      { inChannels: 4, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, groups: 4 },
      [1, 1, 1, 1],
      [2, 4, 6, 5],
    ],
    [
      'depthwise multiplier 2',
      { inChannels: 3, outChannels: 6, kernelSize: 3, padding: 1, groups: 3 },
      [1, 1, 1, 1],
      [1, 3, 4, 4],
    ],
  ];
  test.each(cases)('%s', (_name, opts, pad, inShape) => {
    const store = new StateStore(1);
    const conv = new Conv2d(new Scope(store, 'layer'), opts);
    const w = loadRandomTorchWeights(store);
    const x = seededValues(
      inShape.reduce((a, b) => a * b, 1),
      7,
    );
    const groups = opts.groups ?? 1;
    const weight = w.get('layer.weight')!;
    const bias = w.get('layer.bias');
    const want = convNCHW(
      x,
      inShape,
      weight.data as Float32Array,
      [...weight.shape],
      (bias?.data as Float32Array) ?? null,
      {
        stride: opts.stride ?? 1,
        pad,
        dilation: opts.dilation ?? 1,
        groups,
      },
    );
    const [n, c, h, wd] = inShape;
    const y = conv.forward(tf.tensor4d(nchwToNhwc(x, inShape), [n, h, wd, c]));
    const [, o, oh, ow] = want.shape;
    expect(y.shape).toEqual([n, oh, ow, o]);
    expect(maxAbsDiff(y.dataSync(), nchwToNhwc(want.data, want.shape))).toBeLessThan(1e-4);
    store.dispose();
  });

  test('dilated convolution has gradients equal to those of the zero-inserted kernel', () => {
    const store = new StateStore(3);
    const conv = new Conv2d(new Scope(store), {
      inChannels: 2,
      outChannels: 3,
      kernelSize: 3,
      padding: 2,
      dilation: 2,
    });
    const x = tf.tensor4d(seededValues(1 * 7 * 6 * 2, 5), [1, 7, 6, 2]);
    const dy = tf.tensor4d(seededValues(1 * 7 * 6 * 3, 9), [1, 7, 6, 3]);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(conv.forward(x), dy)) as tf.Scalar,
      [conv.weight, conv.bias!],
    );
    const dx = tf.grad((xi) => tf.sum(tf.mul(conv.forward(xi as tf.Tensor4D), dy)))(x);
    // Same layer written as a 5x5 kernel with zeros between taps: tfjs differentiates it natively.
    const [wGrad, bGrad, dxRef] = tf.tidy(() => {
      const sparse = (w: tf.Tensor4D) => {
        const k = tf.buffer([5, 5, 2, 3]);
        const wv = w.arraySync();
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++)
            for (let c = 0; c < 2; c++) for (let o = 0; o < 3; o++) k.set(wv[i][j][c][o], 2 * i, 2 * j, c, o);
        return k.toTensor() as tf.Tensor4D;
      };
      const k5 = sparse(conv.weight);
      const f = (...[xi, k, b]: tf.Tensor[]) =>
        tf.sum(tf.mul(tf.add(tf.conv2d(xi as tf.Tensor4D, k as tf.Tensor4D, 1, 2), b), dy));
      const [gx, gk, gb] = tf.grads(f)([x, k5, conv.bias!]);
      // Keep only the taps that exist in the 3x3 kernel.
      const gkv = (gk as tf.Tensor4D).arraySync();
      const gw = tf.buffer([3, 3, 2, 3]);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let c = 0; c < 2; c++) for (let o = 0; o < 3; o++) gw.set(gkv[2 * i][2 * j][c][o], i, j, c, o);
      return [gw.toTensor(), gb, gx];
    });
    expect(maxAbsDiff(grads[conv.weight.name].dataSync(), wGrad.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[conv.bias!.name].dataSync(), bGrad.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(dx.dataSync(), dxRef.dataSync())).toBeLessThan(1e-4);
    store.dispose();
  });

  test('grouped convolutions other than depthwise are rejected by name', () => {
    const store = new StateStore();
    expect(
      () => new Conv2d(new Scope(store, 'a.b'), { inChannels: 4, outChannels: 4, kernelSize: 3, groups: 2 }),
    ).toThrow(/not supported: grouped convolution a\.b/);
  });
});

describe('MaxPool2d', () => {
  test.each([
    ['2x2 s2 floor, odd input', 2, 2, 0, false, [1, 3, 7, 9]],
    ['2x2 s2 ceil (VGG pool3 on 75)', 2, 2, 0, true, [1, 2, 75, 5]],
    ['3x3 s1 pad 1 (VGG pool5)', 3, 1, 1, false, [2, 2, 5, 4]],
    ['3x3 s2 pad 1 ceil', 3, 2, 1, true, [1, 2, 6, 7]],
  ])('%s', (_n, k, s, p, ceil, shape) => {
    // Negative inputs show that padding never wins.
    const x = seededValues(
      shape.reduce((a, b) => a * b, 1),
      3,
    ).map((v) => v - 2);
    const want = maxPoolNCHW(x, shape, k, s, p, ceil);
    const [n, c, h, w] = shape;
    const y = new MaxPool2d({ kernelSize: k, stride: s, padding: p, ceilMode: ceil }).forward(
      tf.tensor4d(nchwToNhwc(x, shape), [n, h, w, c]),
    );
    expect(y.shape).toEqual([n, want.shape[2], want.shape[3], c]);
    expect(maxAbsDiff(y.dataSync(), nchwToNhwc(want.data, want.shape))).toBe(0);
  });
});

describe('BatchNorm2d', () => {
  function setup() {
    const store = new StateStore();
    const bn = new BatchNorm2d(new Scope(store, 'bn'), { numFeatures: 3 });
    bn.weight.assign(tf.tensor1d([1.5, -0.5, 2]));
    bn.bias.assign(tf.tensor1d([0.1, 0.2, -0.3]));
    bn.runningMean.assign(tf.tensor1d([0.5, -1, 0]));
    bn.runningVar.assign(tf.tensor1d([2, 0.5, 1]));
    const x = tf.tensor4d(seededValues(2 * 3 * 4 * 3, 11), [2, 3, 4, 3]);
    return { store, bn, x };
  }

  test('inference normalises with the running statistics and eps 1e-5', () => {
    const { bn, x, store } = setup();
    const y = bn.forward(x, infer).dataSync();
    const xs = x.dataSync();
    const g = [1.5, -0.5, 2];
    const b = [0.1, 0.2, -0.3];
    const m = [0.5, -1, 0];
    const v = [2, 0.5, 1];
    const want = Array.from(
      xs,
      (val, i) => ((val - m[i % 3]) / Math.sqrt(v[i % 3] + 1e-5)) * g[i % 3] + b[i % 3],
    );
    expect(maxAbsDiff(y, want)).toBeLessThan(1e-5);
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(0);
    store.dispose();
  });

  test('training uses batch statistics and updates running stats like PyTorch (momentum 0.1, unbiased var)', () => {
    const { bn, x, store } = setup();
    const xs = Array.from(x.dataSync());
    const count = xs.length / 3;
    const mean = [0, 1, 2].map((c) => xs.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / count);
    const biasedVar = [0, 1, 2].map(
      (c) => xs.filter((_, i) => i % 3 === c).reduce((a, b) => a + (b - mean[c]) ** 2, 0) / count,
    );
    const y = bn.forward(x, train).dataSync();
    const g = [1.5, -0.5, 2];
    const b = [0.1, 0.2, -0.3];
    const want = Array.from(
      xs,
      (val, i) => ((val - mean[i % 3]) / Math.sqrt(biasedVar[i % 3] + 1e-5)) * g[i % 3] + b[i % 3],
    );
    expect(maxAbsDiff(y, want)).toBeLessThan(1e-5);
    const rm = [0.5, -1, 0].map((r, c) => 0.9 * r + 0.1 * mean[c]);
    const rv = [2, 0.5, 1].map((r, c) => 0.9 * r + 0.1 * biasedVar[c] * (count / (count - 1)));
    expect(maxAbsDiff(bn.runningMean.dataSync(), rm)).toBeLessThan(1e-6);
    expect(maxAbsDiff(bn.runningVar.dataSync(), rv)).toBeLessThan(1e-6);
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(1);
    store.dispose();
  });

  test('training gradients match the normalisation written out with elementary ops', () => {
    const { bn, x, store } = setup();
    const dy = tf.tensor4d(seededValues(x.size, 4), x.shape);
    const manual = tf.grads((...[xi, g, b]: tf.Tensor[]) => {
      const mean = tf.mean(xi, [0, 1, 2]);
      const v = tf.mean(tf.square(tf.sub(xi, mean)), [0, 1, 2]);
      const y = tf.add(tf.mul(tf.div(tf.sub(xi, mean), tf.sqrt(tf.add(v, 1e-5))), g), b);
      return tf.sum(tf.mul(y, dy));
    });
    const g0 = tf.tensor1d([1.5, -0.5, 2]);
    const b0 = tf.tensor1d([0.1, 0.2, -0.3]);
    // tfjs's fused batchNorm with batch moments (what the layer calls), differentiated w.r.t. x, gamma, beta.
    const bnWeighted = tf.grads((...[xi, g, b]: tf.Tensor[]) => {
      const { mean, variance } = tf.moments(xi, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(xi, mean, variance, b, g, 1e-5), dy));
    });
    const [dxA, dgA, dbA] = bnWeighted([x, g0, b0]);
    const [dxB, dgB, dbB] = manual([x, g0, b0]);
    expect(maxAbsDiff(dxA.dataSync(), dxB.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(dgA.dataSync(), dgB.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(dbA.dataSync(), dbB.dataSync())).toBeLessThan(1e-4);
    // And the layer itself (its own gradient function): w.r.t. the input, the scale and the shift.
    const [dxLayer] = tf.grads((...[xi]: tf.Tensor[]) =>
      tf.sum(tf.mul(bn.forward(xi as tf.Tensor4D, train), dy)),
    )([x]);
    expect(maxAbsDiff(dxLayer.dataSync(), dxB.dataSync())).toBeLessThan(1e-4);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(bn.forward(x, train), dy)) as tf.Scalar,
      [bn.weight, bn.bias],
    );
    expect(maxAbsDiff(grads[bn.weight.name].dataSync(), dgB.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[bn.bias.name].dataSync(), dbB.dataSync())).toBeLessThan(1e-4);
    store.dispose();
  });
});

test('L2Norm divides by the channel norm plus 1e-10 and scales per channel', () => {
  const store = new StateStore();
  const l2 = new L2Norm(new Scope(store, 'l2_norm'), 4, 20);
  expect(Array.from(l2.weight.dataSync())).toEqual([20, 20, 20, 20]);
  l2.weight.assign(tf.tensor1d([1, 2, 3, 4]));
  const xs = seededValues(2 * 3 * 4, 2);
  const y = l2.forward(tf.tensor4d(xs, [1, 2, 3, 4])).dataSync();
  const want: number[] = [];
  for (let p = 0; p < 6; p++) {
    const v = Array.from(xs.slice(p * 4, p * 4 + 4));
    const norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0)) + 1e-10;
    for (const [c, val] of v.entries()) want.push((val / norm) * (c + 1));
  }
  expect(maxAbsDiff(y, want)).toBeLessThan(1e-5);
  store.dispose();
});

test('Linear transposes the PyTorch [out, in] weight', () => {
  const store = new StateStore();
  const fc = new Linear(new Scope(store, 'fc'), { inFeatures: 3, outFeatures: 2 });
  store.loadTorch(
    new Map([
      ['fc.weight', { shape: [2, 3], dtype: 'float32', data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
      ['fc.bias', { shape: [2], dtype: 'float32', data: new Float32Array([0.5, -1]) }],
    ]),
  );
  expect(Array.from(fc.forward(tf.tensor2d([[1, 0, -1]])).dataSync())).toEqual([1 - 3 + 0.5, 4 - 6 - 1]);
  store.dispose();
});

describe('Sequential and Scope naming', () => {
  test('children are named by index, parameterless layers keep their slot, SeparableConv2d matches the reference', () => {
    const store = new StateStore();
    const root = new Scope(store, 'head');
    new Sequential(root.child('seq'), [
      (s) => new Conv2d(s, { inChannels: 3, outChannels: 4, kernelSize: 3 }),
      () => new ReLU(),
      (s) => new SeparableConv2d(s, { inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1 }),
    ]);
    expect(store.entries().map((e) => [e.name, e.torchShape, e.trainable])).toEqual([
      ['head.seq.0.weight', [4, 3, 3, 3], true],
      ['head.seq.0.bias', [4], true],
      ['head.seq.2.conv.0.weight', [4, 1, 3, 3], true],
      ['head.seq.2.conv.0.bias', [4], true],
      ['head.seq.2.conv.1.weight', [4], true],
      ['head.seq.2.conv.1.bias', [4], true],
      ['head.seq.2.conv.1.running_mean', [4], false],
      ['head.seq.2.conv.1.running_var', [4], false],
      ['head.seq.2.conv.1.num_batches_tracked', [], false],
      ['head.seq.2.conv.3.weight', [6, 4, 1, 1], true],
      ['head.seq.2.conv.3.bias', [6], true],
    ]);
    expect(store.get('head.seq.2.conv.0.weight').variable.shape).toEqual([3, 3, 4, 1]);
    expect(store.get('head.seq.0.weight').variable.shape).toEqual([3, 3, 3, 4]);
    store.dispose();
  });

  test('withInit changes initialisers below it; the same seed gives the same weights', () => {
    const build = (seed: number) => {
      const store = new StateStore(seed);
      new Conv2d(new Scope(store, 'x').withInit({ convBias: () => new Float32Array(8).fill(0.25) }), {
        inChannels: 5,
        outChannels: 8,
        kernelSize: 3,
        weightInit: xavierUniform,
      });
      return store;
    };
    const a = build(42);
    const b = build(42);
    const c = build(43);
    const wa = a.get('x.weight').variable.dataSync();
    expect(Array.from(wa)).toEqual(Array.from(b.get('x.weight').variable.dataSync()));
    expect(maxAbsDiff(wa, c.get('x.weight').variable.dataSync())).toBeGreaterThan(0);
    const bound = Math.sqrt(6 / (5 * 9 + 8 * 9));
    expect(Math.max(...Array.from(wa, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(wa, Math.abs))).toBeGreaterThan(bound * 0.9);
    expect(Array.from(a.get('x.bias').variable.dataSync())).toEqual(new Array(8).fill(0.25));
    for (const s of [a, b, c]) s.dispose();
  });
});

describe('StateStore loading', () => {
  function model() {
    const store = new StateStore();
    const s = new Scope(store, 'm');
    new Conv2d(s.child(0), { inChannels: 2, outChannels: 3, kernelSize: 3 });
    new BatchNorm2d(s.child(1), { numFeatures: 3 });
    return store;
  }

  test('loadTorch names missing, unexpected and mis-shaped tensors and changes nothing', () => {
    const store = model();
    const before = store.get('m.0.weight').variable.dataSync().slice();
    const map = new Map<string, TorchTensorLike>([
      ['m.0.weight', torchTensor([3, 2, 3, 1], 1)],
      ['m.0.bias', torchTensor([3], 2)],
      ['m.1.weight', torchTensor([3], 3)],
      ['m.1.bias', torchTensor([3], 3)],
      ['m.1.running_mean', torchTensor([3], 3)],
      ['m.1.running_var', torchTensor([3], 3)],
      ['m.2.weight', torchTensor([3], 3)],
    ]);
    expect(() => store.loadTorch(map, 'x.pth')).toThrow(
      'x.pth does not match the model: missing: m.1.num_batches_tracked; unexpected: m.2.weight; wrong shape: m.0.weight (expected [3, 2, 3, 3], got [3, 2, 3, 1])',
    );
    expect(Array.from(store.get('m.0.weight').variable.dataSync())).toEqual(Array.from(before));
    store.dispose();
  });

  test('loadTorch takes int64 num_batches_tracked; stateDict round-trips through load', () => {
    const a = model();
    const map = loadRandomTorchWeights(a);
    map.set('m.1.num_batches_tracked', { shape: [], dtype: 'int64', data: new BigInt64Array([17n]) });
    a.loadTorch(map);
    expect(a.get('m.1.num_batches_tracked').variable.dataSync()[0]).toBe(17);
    const b = model();
    b.load(a.stateDict());
    for (const e of a.entries()) {
      expect(Array.from(b.get(e.name).variable.dataSync())).toEqual(Array.from(e.variable.dataSync()));
    }
    expect(() => b.load(new Map([['m.0.bias', tf.zeros([3])]]), 'ckpt')).toThrow(
      /ckpt does not match the model: missing: m\.0\.weight/,
    );
    a.dispose();
    b.dispose();
  });

  test('loadTorch rejects a float tensor given for an integer counter', () => {
    const store = model();
    const map = loadRandomTorchWeights(store);
    map.set('m.1.num_batches_tracked', { shape: [], dtype: 'float32', data: new Float32Array([1]) });
    expect(() => store.loadTorch(map)).toThrow(
      'tensor m.1.num_batches_tracked: expected a integer dtype, got float32',
    );
    store.dispose();
  });
});

describe('Sequential fusion', () => {
  test.each([
    ['conv → BN → ReLU6', 1, 0],
    ['depthwise stride 2 → BN → ReLU6', 6, 0],
    ['dilated conv → BN → ReLU6', 1, 2],
  ])('%s in inference equals running the layers one by one', (_name, groups, dilation) => {
    const store = new StateStore(5);
    const scope = new Scope(store, 's');
    const c = 6;
    const seq = new Sequential(scope, [
      (s) =>
        new Conv2d(s, {
          inChannels: c,
          outChannels: c,
          kernelSize: 3,
          stride: groups > 1 ? 2 : 1,
          padding: dilation || 1,
          dilation: dilation || 1,
          groups,
        }),
      (s) => new BatchNorm2d(s, { numFeatures: c }),
      () => new ReLU6(),
    ]);
    loadRandomTorchWeights(store);
    // Positive variances and spread-out statistics so the fold is exercised.
    const bn = seq.layers[1] as BatchNorm2d;
    bn.runningVar.assign(tf.tensor1d(Array.from(seededValues(c, 8), (v) => 0.5 + Math.abs(v))));
    const x = tf.tensor4d(seededValues(2 * 7 * 7 * c, 12), [2, 7, 7, c]).mul(10) as tf.Tensor4D;
    const fused = seq.forward(x, infer);
    let stepwise = x;
    for (const layer of seq.layers) stepwise = layer.forward(stepwise, infer);
    expect(fused.shape).toEqual(stepwise.shape);
    expect(maxAbsDiff(fused.dataSync(), stepwise.dataSync())).toBeLessThan(1e-4);
    // Some outputs are clipped at 0 and at 6, so the activation is really applied.
    const values = Array.from(fused.dataSync());
    expect(values.some((v) => v === 0) && values.some((v) => v === 6)).toBe(true);
    store.dispose();
  });
});

test('training BatchNorm refuses a single value per channel, naming the layer (as PyTorch does)', () => {
  const store = new StateStore();
  const bn = new BatchNorm2d(new Scope(store, 'backbone.extras.3.conv.3'), { numFeatures: 2 });
  expect(() => bn.forward(tf.ones([1, 1, 1, 2]), train)).toThrow(
    'BatchNorm backbone.extras.3.conv.3: expected more than 1 value per channel when training, got input [1, 1, 1, 2]',
  );
  expect(bn.forward(tf.ones([1, 1, 1, 2]), infer).shape).toEqual([1, 1, 1, 2]);
  store.dispose();
});

test('initialisers follow PyTorch: fans from the PyTorch shape, kaiming fan_out std, xavier and default bounds', () => {
  const rng = new Rng(9);
  // A depthwise weight [C=32, 1, 3, 3]: fan_in 9, fan_out 288.
  expect(computeFans([32, 1, 3, 3])).toEqual({ fanIn: 9, fanOut: 288 });
  expect(computeFans([10, 20])).toEqual({ fanIn: 20, fanOut: 10 });
  const spec = { size: 200000, fanIn: 9, fanOut: 288 };
  const k = kaimingNormalFanOut(spec, rng);
  const mean = k.reduce((a, b) => a + b, 0) / k.length;
  const std = Math.sqrt(k.reduce((a, b) => a + (b - mean) ** 2, 0) / k.length);
  expect(Math.abs(mean)).toBeLessThan(0.001);
  expect(std / Math.sqrt(2 / 288)).toBeCloseTo(1, 1);
  const bounds: Array<[Float32Array, number]> = [
    [xavierUniform(spec, rng), Math.sqrt(6 / (9 + 288))],
    [torchDefaultUniform(spec, rng), 1 / 3],
  ];
  for (const [values, bound] of bounds) {
    const maxAbs = Math.max(...Array.from(values.subarray(0, 50000), Math.abs));
    expect(maxAbs).toBeLessThanOrEqual(bound);
    expect(maxAbs).toBeGreaterThan(bound * 0.99);
  }
});
