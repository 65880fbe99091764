/**
 * Convolutions on ONNX Runtime (OrtConvRunner) against direct loops over the definitions — y, dx and dW for
 * the paddings, strides, dilations and kernel sizes SSD models use, tfjs's own geometry for each — and the
 * forward pass also against tfjs's CPU backend with bias and activation.
 */
import { Rng } from '@ssd/random';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { type ConvGeometry, OrtConvRunner, unsupportedInputGradient } from '../src';

function random(size: number, seed: number): Float32Array {
  return new Rng(seed).uniformValues(size, -1, 1);
}

/** NHWC data [n, h, w, c] in `layout` (a copy), or back to NHWC with `back`. */
function inLayout(data: Float32Array, [n, h, w, c]: number[], layout: string, back = false): Float32Array {
  if (layout === 'NHWC') return data;
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let p = 0; p < h! * w!; p++)
      for (let k = 0; k < c!; k++) {
        const nhwc = (b * h! * w! + p) * c! + k;
        const nchw = (b * c! + k) * h! * w! + p;
        if (back) out[nhwc] = data[nchw]!;
        else out[nchw] = data[nhwc]!;
      }
  return out;
}

/** Calls `visit(n, oy, ox, ky, kx, iy, ix)` for every tap that reads an input pixel inside the image. */
function eachTap(
  g: ConvGeometry,
  visit: (n: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void,
) {
  for (let n = 0; n < g.batchSize; n++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let ky = 0; ky < g.filterHeight; ky++)
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const iy = oy * g.strideHeight + ky * g.dilationHeight - g.padInfo.top;
            const ix = ox * g.strideWidth + kx * g.dilationWidth - g.padInfo.left;
            if (iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth) visit(n, oy, ox, ky, kx, iy, ix);
          }
}

/** y, dx and dW of a convolution by their definitions, in float64. */
function direct(g: ConvGeometry, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const { inChannels: C, outChannels: O } = g;
  const y = new Float64Array(dy.length);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  eachTap(g, (n, oy, ox, ky, kx, iy, ix) => {
    const xi = ((n * g.inHeight + iy) * g.inWidth + ix) * C;
    const yi = ((n * g.outHeight + oy) * g.outWidth + ox) * O;
    const wi = (ky * g.filterWidth + kx) * C * O;
    for (let c = 0; c < C; c++)
      for (let o = 0; o < O; o++) {
        y[yi + o]! += x[xi + c]! * w[wi + c * O + o]!;
        dx[xi + c]! += dy[yi + o]! * w[wi + c * O + o]!;
        dw[wi + c * O + o]! += x[xi + c]! * dy[yi + o]!;
      }
  });
  return { y, dx, dw };
}

function expectClose(actual: Float32Array, expected: ArrayLike<number>, what: string): void {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  expect(actual.length).toBe(expected.length);
  if (worst > 1e-5 * scale) throw new Error(`${what}: max difference ${worst} of ${scale}`);
}

type Pad = 'same' | 'valid' | number;
const CASES: [string, number[], number[], number, Pad, number][] = [
  // name, x shape [N,H,W,C], filter [kh,kw,C,O], stride, pad, dilation
  ['3×3 same', [2, 7, 9, 3], [3, 3, 3, 5], 1, 'same', 1],
  ['3×3 stride 2 same, even size (pad only at the end)', [1, 8, 8, 4], [3, 3, 4, 6], 2, 'same', 1],
  ['3×3 stride 2 pad 1, odd sizes', [2, 9, 7, 3], [3, 3, 3, 4], 2, 1, 1],
  ['1×1', [3, 5, 4, 6], [1, 1, 6, 7], 1, 0, 1],
  ['3×3 dilation 2 pad 2', [1, 10, 10, 3], [3, 3, 3, 4], 1, 2, 2],
  [
    '1×1 pad 1 (padding beyond the filter: input gradient by ConvTranspose)',
    [1, 4, 4, 2],
    [1, 1, 2, 3],
    1,
    1,
    1,
  ],
  ['5×5 valid stride 3, last pixels unread', [2, 11, 12, 2], [5, 5, 2, 3], 3, 'valid', 1],
];

describe('OrtConvRunner', () => {
  let runner: OrtConvRunner;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    runner = new OrtConvRunner(1);
  });
  afterAll(() => runner.dispose());

  it.each(CASES)(
    '%s: y, dx and dW equal their definitions',
    (_name, xShape, wShape, stride, pad, dilation) => {
      const g = tf.backend_util.computeConv2DInfo(
        xShape as [number, number, number, number],
        wShape as [number, number, number, number],
        stride,
        dilation,
        pad,
      );
      expect(unsupportedInputGradient(g)).toBeNull();
      const x = random(tf.util.sizeFromShape(xShape), 1);
      const w = random(tf.util.sizeFromShape(wShape), 2);
      const dy = random(g.batchSize * g.outHeight * g.outWidth * g.outChannels, 3);
      const want = direct(g, x, w, dy);
      const layout = runner.layout(g);
      const xShape4 = [g.batchSize, g.inHeight, g.inWidth, g.inChannels];
      const yShape4 = [g.batchSize, g.outHeight, g.outWidth, g.outChannels];
      const y = new Float32Array(dy.length);
      runner.forward(
        g,
        { bias: false, activation: 'linear', alpha: 0 },
        inLayout(x, xShape4, layout),
        w,
        null,
        y,
      );
      expectClose(inLayout(y, yShape4, layout, true), want.y, 'y');
      const dx = new Float32Array(x.length);
      runner.inputGradient(g, inLayout(dy, yShape4, layout), w, dx);
      expectClose(inLayout(dx, xShape4, layout, true), want.dx, 'dx');
      const dw = new Float32Array(w.length);
      runner.filterGradient(g, x, dy, dw);
      expectClose(dw, want.dw, 'dW');
    },
  );

  const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const;
  const FORWARD_CASES = ACTIVATIONS.flatMap((activation) => [
    [activation, '3×3 stride 2', 3, 2],
    [activation, '1×1 (a matrix product)', 1, 1],
  ]) as [(typeof ACTIVATIONS)[number], string, number, number][];

  it.each(FORWARD_CASES)(
    'forward with bias and %s, %s, equals tfjs fused conv2d',
    (activation, _name, k, stride) => {
      const x = tf.tensor4d(random(2 * 6 * 6 * 3, 4), [2, 6, 6, 3]);
      const w = tf.tensor4d(
        random(k * k * 3 * 8, 5).map((v) => 4 * v),
        [k, k, 3, 8],
      );
      const b = tf.tensor1d(random(8, 6));
      const want = tf.fused.conv2d({
        x,
        filter: w,
        strides: stride,
        pad: 'same',
        bias: b,
        activation,
        leakyreluAlpha: 0.1,
      });
      const g = tf.backend_util.computeConv2DInfo(x.shape, w.shape, stride, 1, 'same');
      const y = new Float32Array(want.size);
      const options = { bias: true, activation, alpha: 0.1 };
      const [xs, ws, bs] = [x, w, b].map((t) => t.dataSync() as Float32Array);
      const layout = runner.layout(g);
      runner.forward(g, options, inLayout(xs!, x.shape, layout), ws!, bs!, y);
      expectClose(inLayout(y, want.shape, layout, true), want.dataSync(), activation);
      tf.dispose([x, w, b, want]);
    },
  );

  it('serves every batch size of a geometry from one graph', () => {
    const fresh = new OrtConvRunner(1);
    for (const n of [1, 3]) {
      const g = tf.backend_util.computeConv2DInfo([n, 5, 5, 2], [3, 3, 2, 2], 1, 1, 'same');
      const x = random(n * 50, n);
      const w = random(36, 7);
      const y = new Float32Array(n * 50);
      const shape = [n, 5, 5, 2];
      fresh.forward(
        g,
        { bias: false, activation: 'linear', alpha: 0 },
        inLayout(x, shape, 'NCHW'),
        w,
        null,
        y,
      );
      expectClose(
        inLayout(y, shape, 'NCHW', true),
        direct(g, x, w, new Float32Array(n * 50)).y,
        `batch ${n}`,
      );
    }
    expect(fresh.size).toBe(1);
    fresh.dispose();
  });

  it('says when an input gradient would need padding the transpose cannot add', () => {
    const g = tf.backend_util.computeConv2DInfo([1, 9, 9, 1], [1, 1, 1, 1], 1, 1, 'valid');
    const odd = { ...g, inHeight: 12 };
    expect(unsupportedInputGradient(odd)).toMatch(/output padding 3×0/);
  });
});
