import '@tensorflow/tfjs-backend-cpu';
import { defaultConfig } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import { buildLrScheduler, buildOptimizer, SGD, WarmupMultiStepLR } from '../src';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
/** A fresh variable (tfjs names must be unique per process) under the given key. */
const param = (key: string, init: number[] | tf.Tensor) =>
  new Map([[key, tf.variable(Array.isArray(init) ? tf.tensor1d(init) : init, true)]]);

describe('SGD', () => {
  it('follows PyTorch: decay added to the gradient, v = m·v + g, w -= lr·v (worked by hand)', () => {
    const params = param('w', [1, -2]);
    const w = params.get('w')!;
    const sgd = new SGD(params, { lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    sgd.step({ [w.name]: tf.tensor1d([0.5, 1]) });
    // d = [0.5 + 0.1, 1 - 0.2] = [0.6, 0.8]; w = [1 - 0.3, -2 - 0.4]
    expect(values(w)[0]).toBeCloseTo(0.7, 6);
    expect(values(w)[1]).toBeCloseTo(-2.4, 6);
    sgd.step({ [w.name]: tf.tensor1d([0, -1]) });
    // d = [0.07, -1.24]; v = 0.9·[0.6, 0.8] + d = [0.61, -0.52]; w = [0.7 - 0.305, -2.4 + 0.26]
    expect(values(w)[0]).toBeCloseTo(0.395, 6);
    expect(values(w)[1]).toBeCloseTo(-2.14, 6);
    sgd.dispose();
    w.dispose();
  });

  it('without momentum or decay is plain gradient descent, and skips variables without gradients', () => {
    const a = tf.variable(tf.scalar(3), true);
    const b = tf.variable(tf.scalar(5), true);
    const sgd = new SGD(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      { lr: 0.1, momentum: 0, weightDecay: 0 },
    );
    sgd.step({ [a.name]: tf.scalar(2) });
    expect(values(a)[0]).toBeCloseTo(2.8, 6);
    expect(values(b)[0]).toBe(5);
  });

  it('resumes from saved state exactly as if never stopped', async () => {
    const grads = [
      [0.3, -0.1],
      [0.2, 0.4],
      [-0.5, 0.1],
      [0.05, 0.05],
    ];
    const run = (from: number, to: number, sgd: SGD, p: tf.Variable) => {
      for (let i = from; i < to; i++) sgd.step({ [p.name]: tf.tensor1d(grads[i]!) });
    };
    const m1 = param('p', [1, 1]);
    const s1 = new SGD(m1, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    run(0, 4, s1, m1.get('p')!);

    const m2 = param('p', [1, 1]);
    const s2 = new SGD(m2, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    run(0, 2, s2, m2.get('p')!);
    const saved = await s2.state();
    const m3 = param('p', values(m2.get('p')!));
    const s3 = new SGD(m3, { lr: 0.5, momentum: 0.9, weightDecay: 0.01 });
    s3.loadState(saved);
    expect(s3.lr).toBe(0.1);
    run(2, 4, s3, m3.get('p')!);
    expect(values(m3.get('p')!)).toEqual(values(m1.get('p')!));
  });

  it('rejects state for unknown or mis-shaped variables, naming them', () => {
    const sgd = new SGD(param('p', tf.zeros([2])), { lr: 0.1, momentum: 0.9, weightDecay: 0 });
    expect(() =>
      sgd.loadState({ lr: 0.1, momentumBuffers: { q: { shape: [2], values: new Float32Array(2) } } }),
    ).toThrow(/'q'/);
    expect(() =>
      sgd.loadState({ lr: 0.1, momentumBuffers: { p: { shape: [3], values: new Float32Array(3) } } }),
    ).toThrow(/'p' has shape \[3\]/);
  });
});

describe('WarmupMultiStepLR', () => {
  const opts = { baseLr: 0.1, milestones: [6, 8], gamma: 0.1, warmupFactor: 1 / 3, warmupIters: 4 };

  it('warms up linearly from WARMUP_FACTOR, then decays by GAMMA at each step (worked by hand)', () => {
    const opt = { lr: 0 };
    const sched = new WarmupMultiStepLR(opt, opts);
    const seen = [opt.lr];
    for (let i = 0; i < 9; i++) {
      sched.step();
      seen.push(opt.lr);
    }
    const expected = [0.1 / 3, 0.05, 0.2 / 3, 0.25 / 3, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001];
    seen.forEach((lr, i) => {
      expect(lr).toBeCloseTo(expected[i]!, 10);
    });
  });

  it('restores its step and the optimizer LR from state', () => {
    const opt = { lr: 0 };
    const sched = new WarmupMultiStepLR(opt, opts);
    sched.loadState({ lastEpoch: 7 });
    expect(opt.lr).toBeCloseTo(0.01, 10);
    sched.step();
    expect(sched.state()).toEqual({ lastEpoch: 8 });
    expect(opt.lr).toBeCloseTo(0.001, 10);
  });

  it('rejects decreasing milestones', () => {
    expect(() => new WarmupMultiStepLR({ lr: 0 }, { ...opts, milestones: [8, 6] })).toThrow(/LR_STEPS/);
  });
});

describe('build from config', () => {
  it('takes SOLVER.* values', () => {
    const cfg = defaultConfig();
    const sgd = buildOptimizer(cfg, param('v', tf.zeros([1])));
    expect(sgd.momentum).toBe(0.9);
    expect(sgd.weightDecay).toBe(5e-4);
    buildLrScheduler(cfg, sgd);
    expect(sgd.lr).toBeCloseTo(1e-3 / 3, 12);
  });
});
