// wasm's momentum step (SIMD, and the JavaScript loop standing in where that cannot run) against SGD's composed
// ops, bit for bit: an optimizer step must be the one the composed ops take.
import '@tensorflow/tfjs-backend-wasm';
import { SGD_MOMENTUM_UPDATE } from '@ssd/solver';
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src';
import { momentumLoop } from '../src/wasm/momentum-update';
import { momentumSimd } from '../src/wasm/simd/momentum-simd';
import { seeded } from './kernels-helpers';

beforeAll(async () => {
  registerTrainingKernels('wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
});

function expectSameBits(actual: tf.Tensor | Float32Array, expected: tf.Tensor): void {
  const a = actual instanceof Float32Array ? actual : actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  expect([...e.keys()].filter((i) => !Object.is(a[i], e[i]))).toEqual([]);
}

test('runs as SIMD on the wasm backend', () => {
  expect(momentumSimd(tf.backend())).not.toBeNull();
});

// 4·k + 3 values: the SIMD lanes and the one-at-a-time tail; -0 gradients show whether wd 0 adds anything.
test.each([
  ['with weight decay', { lr: 0.02, momentum: 0.9, weightDecay: 5e-4 }],
  ['without weight decay', { lr: 1e-3, momentum: 0.9, weightDecay: 0 }],
])('the step %s equals the composed ops', (_name, attrs) => {
  tf.tidy(() => {
    const n = 4 * 9 + 3;
    const grads = seeded(n, 2);
    grads[0] = -0;
    grads[n - 1] = -0;
    const [param, grad, buffer] = [tf.tensor1d(seeded(n, 1)), tf.tensor1d(grads), tf.tensor1d(seeded(n, 3))];
    const [newBuffer, newParam] = tf
      .engine()
      .runKernel(
        SGD_MOMENTUM_UPDATE,
        { param, grad, buffer },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    // @ssd/solver's SGD, composed.
    const d = attrs.weightDecay !== 0 ? tf.add(grad, tf.mul(param, attrs.weightDecay)) : grad;
    const b = tf.add(tf.mul(buffer, attrs.momentum), d);
    const p = tf.sub(param, tf.mul(b, attrs.lr));
    expectSameBits(newBuffer!, b);
    expectSameBits(newParam!, p);
    const [looped, loopedParam] = [new Float32Array(n), new Float32Array(n)];
    const values = [param, grad, buffer].map((t) => t.dataSync() as Float32Array);
    momentumLoop(values[0]!, values[1]!, values[2]!, looped, loopedParam, attrs);
    expectSameBits(looped, b);
    expectSameBits(loopedParam, p);
  });
});
