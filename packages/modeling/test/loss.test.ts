import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients; the umbrella package registers them all.
import '@tensorflow/tfjs';
import { hardNegativeMask } from '../src/loss/hard-negative-mining';
import { multiBoxLoss } from '../src/loss/multibox-loss';
import { BACKENDS, readFixture, useBackend } from './box-test-helpers';

interface LossFixture {
  neg_pos_ratio: number;
  shape: [number, number, number];
  confidence: number[];
  predicted_locations: number[];
  labels: number[];
  gt_locations: number[];
  reg_loss: number;
  cls_loss: number;
}

const fx = readFixture<LossFixture>('multibox_loss.json');
const [N, P, C] = fx.shape;

function inputs() {
  return {
    confidence: tf.tensor3d(fx.confidence, [N, P, C]),
    locations: tf.tensor3d(fx.predicted_locations, [N, P, 4]),
    labels: tf.tensor2d(fx.labels, [N, P], 'int32'),
    gtLocations: tf.tensor3d(fx.gt_locations, [N, P, 4]),
  };
}

function relErr(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/**
 * Two-class confidence rows whose background losses are ordered like `order`: logits [−o, 0] have
 * background loss log(1 + e^−o) + o, increasing in o (equal o, equal loss).
 */
function confidenceWithOrder(order: number[]): tf.Tensor3D {
  return tf.tensor3d(
    order.flatMap((o) => [-o, 0]),
    [1, order.length, 2],
  );
}

describe.each(BACKENDS)('hardNegativeMask on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const mask = (order: number[], labels: number[], ratio: number, images = 1) => {
    const p = order.length / images;
    const conf = tf.reshape(confidenceWithOrder(order), [images, p, 2]) as tf.Tensor3D;
    const lab = tf.tensor2d(labels, [images, p], 'int32');
    const m = hardNegativeMask(conf, lab, ratio);
    const out = Array.from(m.dataSync());
    tf.dispose([conf, lab, m]);
    return out;
  };

  it('keeps positives and ratio × positives of the hardest negatives, per image', () => {
    const order = [1, 9, 5, 7, 3, /* image 2 */ 2, 4, 6, 8, 10];
    const labels = [2, 0, 0, 0, 0, /* image 2 */ 0, 0, 0, 0, 0];
    expect(mask(order, labels, 2, 2)).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(mask(order, labels, 10, 2)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('breaks ties by the lower prior index, and keeps the ceiling of a fractional ratio', () => {
    // Negatives 1..5 all tie; ratio 2 keeps the two lowest indices.
    expect(mask([0, 3, 3, 3, 3, 3], [1, 0, 0, 0, 0, 0], 2)).toEqual([1, 1, 1, 0, 0, 0]);
    // 2 positives × 1.5 = 3 negatives: the hardest (index 5), then the tie at 4 goes to index 2 before 4.
    expect(mask([0, 0, 4, 1, 4, 9, 2], [1, 3, 0, 0, 0, 0, 0], 1.5)).toEqual([1, 1, 1, 0, 1, 1, 0]);
  });

  it('keeps nothing in an image without positives', () => {
    expect(mask([5, 6, 7, 1, 2, 3], [0, 0, 0, 0, 2, 0], 1, 2)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('has no gradient through the selection', () => {
    const lab = tf.tensor2d([1, 0, 0], [1, 3], 'int32');
    const g = tf.grad((c: tf.Tensor) => tf.sum(hardNegativeMask(c as tf.Tensor3D, lab, 1)))(
      confidenceWithOrder([0, 1, 2]),
    );
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([lab, g]);
  });
});

describe.each(BACKENDS)('multiBoxLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('is zero, not NaN, for a batch without positives', () => {
    const conf = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const loc = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 2);
    const gt = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 3);
    const labels = tf.zeros([2, 5], 'int32');
    const { regLoss, clsLoss } = multiBoxLoss(conf, loc, labels, gt, 3);
    expect([regLoss.dataSync()[0], clsLoss.dataSync()[0]]).toEqual([0, 0]);
    tf.dispose([conf, loc, gt, labels, regLoss, clsLoss]);
  });

  it('matches the reference reg_loss and cls_loss', () => {
    const x = inputs();
    const before = tf.memory().numTensors;
    const { regLoss, clsLoss } = multiBoxLoss(
      x.confidence,
      x.locations,
      x.labels,
      x.gtLocations,
      fx.neg_pos_ratio,
    );
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(relErr(regLoss.dataSync()[0], fx.reg_loss)).toBeLessThan(1e-4);
    expect(relErr(clsLoss.dataSync()[0], fx.cls_loss)).toBeLessThan(1e-4);
    tf.dispose([regLoss, clsLoss, x.confidence, x.locations, x.labels, x.gtLocations]);
  });

  it('is differentiable in confidence and locations (positives, mined negatives only)', () => {
    const x = inputs();
    const f = (conf: tf.Tensor, loc: tf.Tensor) => {
      const { regLoss, clsLoss } = multiBoxLoss(conf, loc, x.labels, x.gtLocations, fx.neg_pos_ratio);
      return tf.add(regLoss, clsLoss) as tf.Scalar;
    };
    const [dConf, dLoc] = tf.grads(f)([x.confidence, x.locations]);
    expect(dConf.shape).toEqual([N, P, C]);
    expect(dLoc.shape).toEqual([N, P, 4]);
    const gc = dConf.dataSync() as Float32Array;
    const gl = dLoc.dataSync() as Float32Array;
    const positive = fx.labels.map((l) => l > 0);
    // Locations: only positives get a gradient. Confidence rows of a softmax cross entropy sum to 0.
    expect(positive.every((pos, p) => pos || gl.subarray(4 * p, 4 * p + 4).every((g) => g === 0))).toBe(true);
    let nonZeroRows = 0;
    for (let p = 0; p < N * P; p++) {
      const row = gc.subarray(C * p, C * p + C);
      expect(Math.abs(row.reduce((s, g) => s + g, 0))).toBeLessThan(1e-6);
      if (row.some((g) => g !== 0)) nonZeroRows++;
    }
    const numPos = positive.filter(Boolean).length;
    expect(nonZeroRows).toBe(numPos * (1 + fx.neg_pos_ratio));
    tf.dispose([dConf, dLoc, x.confidence, x.locations, x.labels, x.gtLocations]);
  });

  it('names the tensor with a wrong shape or dtype', () => {
    const x = inputs();
    const floatLabels = tf.cast(x.labels, 'float32');
    expect(() => multiBoxLoss(x.confidence, x.locations, floatLabels, x.gtLocations, 3)).toThrow(
      /labels must be int32/,
    );
    expect(() =>
      multiBoxLoss(x.confidence, tf.slice(x.gtLocations, 0, 1), x.labels, x.gtLocations, 3),
    ).toThrow(/predictedLocations must have shape \[2,300,4\]/);
    tf.dispose([floatLabels, x.confidence, x.locations, x.labels, x.gtLocations]);
  });
});

describe('multiBoxLoss gradient (cpu, numeric check)', () => {
  beforeAll(() => useBackend('cpu'));

  it('matches central differences at a few entries', () => {
    const x = inputs();
    const total = (conf: tf.Tensor, loc: tf.Tensor) =>
      tf.tidy(() => {
        const { regLoss, clsLoss } = multiBoxLoss(conf, loc, x.labels, x.gtLocations, fx.neg_pos_ratio);
        return tf.add(regLoss, clsLoss).dataSync()[0];
      });
    const [dConf, dLoc] = tf.grads((c: tf.Tensor, l: tf.Tensor) => {
      const { regLoss, clsLoss } = multiBoxLoss(c, l, x.labels, x.gtLocations, fx.neg_pos_ratio);
      return tf.add(regLoss, clsLoss) as tf.Scalar;
    })([x.confidence, x.locations]);
    const analytic = { conf: dConf.dataSync(), loc: dLoc.dataSync() };
    const base = { conf: Float32Array.from(fx.confidence), loc: Float32Array.from(fx.predicted_locations) };
    // Entries of positive priors (0, 1, 5 in image 0; first positive of image 1) and of the hardest
    // negative of image 0 (far from the mining cut, so the small steps below do not change the selection).
    const firstPos1 = fx.labels.findIndex((l, i) => i >= P && l > 0);
    const backgroundLoss = (p: number) => {
      const row = fx.confidence.slice(p * C, p * C + C);
      return Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[0];
    };
    let hardest = -1;
    for (let p = 0; p < P; p++) {
      if (fx.labels[p] === 0 && (hardest < 0 || backgroundLoss(p) > backgroundLoss(hardest))) hardest = p;
    }
    const probes: ['conf' | 'loc', number][] = [
      ['conf', 0],
      ['conf', 1 * C + 3],
      ['conf', 5 * C + 1],
      ['conf', firstPos1 * C],
      ['conf', hardest * C],
      ['conf', hardest * C + 2],
      ['loc', 0],
      ['loc', 1 * 4 + 2],
      ['loc', 5 * 4 + 3],
      ['loc', firstPos1 * 4 + 1],
    ];
    const h = 1e-2;
    for (const [which, i] of probes) {
      const value = (delta: number) => {
        const arr = Float32Array.from(base[which]);
        arr[i] += delta;
        const conf = tf.tensor3d(which === 'conf' ? arr : base.conf, [N, P, C]);
        const loc = tf.tensor3d(which === 'loc' ? arr : base.loc, [N, P, 4]);
        const v = total(conf, loc);
        tf.dispose([conf, loc]);
        return v;
      };
      const numeric = (value(h) - value(-h)) / (2 * h);
      expect(Math.abs(numeric - analytic[which][i])).toBeLessThan(2e-3);
      expect(analytic[which][i]).not.toBe(0);
    }
    tf.dispose([dConf, dLoc, x.confidence, x.locations, x.labels, x.gtLocations]);
  });
});
