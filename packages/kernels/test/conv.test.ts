import { nn } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { CONV_CASES, type Pad } from './conv-cases';
import {
  expectCloseArrays,
  onBothBackends,
  runOn,
  seeded,
  seededTensor,
  setUpBackends,
  weightedGrads,
} from './kernels-helpers';

beforeAll(setUpBackends);

describe('conv2d backprop kernels on wasm match the pure-JS backend', () => {
  test.each(CONV_CASES)('$name', async ({ x, filter, strides, pad }) => {
    const out = await onBothBackends(() => {
      const xs = seededTensor(x, 1) as tf.Tensor4D;
      const w = seededTensor(filter, 2) as tf.Tensor4D;
      const dy = seededTensor(tf.conv2d(xs, w, strides, pad).shape, 3);
      return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xs, dy }, {
        strides,
        pad,
        dataFormat: 'NHWC',
        filterShape: filter,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expectCloseArrays(out.wasm, out.cpu);
  });

  test.each(CONV_CASES)('Conv2DBackpropInput, $name', async ({ x, filter, strides, pad }) => {
    const out = await onBothBackends(() => {
      const w = seededTensor(filter, 2) as tf.Tensor4D;
      const dy = seededTensor(tf.conv2d(tf.zeros(x) as tf.Tensor4D, w, strides, pad).shape, 3);
      return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, {
        strides,
        pad,
        dataFormat: 'NHWC',
        inputShape: x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expectCloseArrays(out.wasm, out.cpu);
  });

  test.each(CONV_CASES)('conv2d gradients, $name', async ({ x, filter, strides, pad }) => {
    const out = await onBothBackends(() =>
      weightedGrads(
        (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad),
        [seededTensor(x, 4), seededTensor(filter, 5)],
      ),
    );
    expectCloseArrays(out.wasm, out.cpu);
  });

  test('atrous conv as space-to-batch → conv → batch-to-space (VGG fc6: 3x3, dilation 6, pad 6)', async () => {
    // TensorFlow's atrous_conv2d construction; tfjs's own conv2d gradient rejects dilations > 1.
    const atrous = (x: tf.Tensor4D, w: tf.Tensor4D) => {
      const d = 6;
      const padded = tf.pad(x, [
        [0, 0],
        [6, 6],
        [6, 6],
        [0, 0],
      ]);
      const size = padded.shape[1];
      const extra = Math.ceil(size / d) * d - size;
      const blocks = tf.spaceToBatchND(
        padded,
        [d, d],
        [
          [0, extra],
          [0, extra],
        ],
      );
      const conv = tf.conv2d(blocks as tf.Tensor4D, w, 1, 'valid');
      const out = tf.batchToSpaceND(
        conv,
        [d, d],
        [
          [0, 0],
          [0, 0],
        ],
      ) as tf.Tensor4D;
      return tf.slice(out, [0, 0, 0, 0], [-1, x.shape[1], x.shape[2], -1]);
    };
    const out = await onBothBackends(() =>
      weightedGrads(
        (a, b) => atrous(a as tf.Tensor4D, b as tf.Tensor4D),
        [seededTensor([1, 19, 19, 6], 6), seededTensor([3, 3, 6, 5], 7)],
      ),
    );
    // Forward check as well: the construction must equal tfjs's dilated conv2d.
    const direct = await onBothBackends(() =>
      tf.conv2d(
        seededTensor([1, 19, 19, 6], 6) as tf.Tensor4D,
        seededTensor([3, 3, 6, 5], 7) as tf.Tensor4D,
        1,
        [
          [0, 0],
          [6, 6],
          [6, 6],
          [0, 0],
        ],
        'NHWC',
        6,
      ),
    );
    const viaBlocks = await onBothBackends(() =>
      atrous(seededTensor([1, 19, 19, 6], 6) as tf.Tensor4D, seededTensor([3, 3, 6, 5], 7) as tf.Tensor4D),
    );
    expectCloseArrays(viaBlocks.cpu, direct.cpu);
    expectCloseArrays(out.wasm, out.cpu);
  });
});

interface DepthwiseCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  dilations: number;
  pad: Pad;
}

// 3×3 filters with multiplier 1 take the filter gradient's loop, the others its convolution.
const DEPTHWISE_CASES: DepthwiseCase[] = [
  {
    name: '3x3 s2 pad 1, batch 3, odd size (loop)',
    x: [3, 9, 7, 4],
    filter: [3, 3, 4, 1],
    strides: 2,
    dilations: 1,
    pad: 1,
  },
  {
    name: '3x3 s1 explicit uneven (loop)',
    x: [2, 6, 7, 5],
    filter: [3, 3, 5, 1],
    strides: 1,
    dilations: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { name: '3x3 s1 same', x: [2, 8, 9, 5], filter: [3, 3, 5, 1], strides: 1, dilations: 1, pad: 'same' },
  {
    name: '3x3 s2 same, odd size',
    x: [1, 9, 7, 4],
    filter: [3, 3, 4, 1],
    strides: 2,
    dilations: 1,
    pad: 'same',
  },
  {
    name: '3x3 s2 valid, multiplier 2',
    x: [2, 10, 9, 3],
    filter: [3, 3, 3, 2],
    strides: 2,
    dilations: 1,
    pad: 'valid',
  },
  {
    name: '3x3 s1 same, multiplier 3',
    x: [1, 7, 6, 4],
    filter: [3, 3, 4, 3],
    strides: 1,
    dilations: 1,
    pad: 'same',
  },
  { name: '5x5 s2 pad 2', x: [2, 11, 10, 2], filter: [5, 5, 2, 1], strides: 2, dilations: 1, pad: 2 },
  {
    // Padded height 11 is not a multiple of the stride: the stacked images need a row of extra padding.
    name: '3x3 s2 pad 1, batch 3, odd size, multiplier 2',
    x: [3, 9, 7, 4],
    filter: [3, 3, 4, 2],
    strides: 2,
    dilations: 1,
    pad: 1,
  },
  {
    name: '1x1 s2 valid, batch 3',
    x: [3, 6, 5, 3],
    filter: [1, 1, 3, 1],
    strides: 2,
    dilations: 1,
    pad: 'valid',
  },
  {
    name: '3x3 s2 explicit uneven',
    x: [1, 8, 8, 3],
    filter: [3, 3, 3, 2],
    strides: 2,
    dilations: 1,
    pad: [
      [0, 0],
      [0, 1],
      [2, 0],
      [0, 0],
    ],
  },
];

describe('depthwise backprop kernels on wasm match the pure-JS backend', () => {
  const attrs = (c: DepthwiseCase, shapeAttr: Record<string, number[]>) =>
    ({ strides: c.strides, dilations: c.dilations, pad: c.pad, ...shapeAttr }) as unknown as tf.NamedAttrMap;
  const forwardShape = (c: DepthwiseCase) =>
    tf.tidy(
      () =>
        tf.depthwiseConv2d(
          tf.zeros(c.x) as tf.Tensor4D,
          tf.zeros(c.filter) as tf.Tensor4D,
          c.strides,
          c.pad,
          'NHWC',
          c.dilations,
        ).shape,
    );

  test.each(DEPTHWISE_CASES)('DepthwiseConv2dNativeBackpropFilter, $name', async (c) => {
    const out = await onBothBackends(
      () =>
        tf
          .engine()
          .runKernel(
            tf.DepthwiseConv2dNativeBackpropFilter,
            { x: seededTensor(c.x, 1), dy: seededTensor(forwardShape(c), 2) },
            attrs(c, { filterShape: c.filter }),
          ) as tf.Tensor,
    );
    expectCloseArrays(out.wasm, out.cpu);
  });

  test.each(DEPTHWISE_CASES)('DepthwiseConv2dNativeBackpropInput, $name', async (c) => {
    const out = await onBothBackends(
      () =>
        tf
          .engine()
          .runKernel(
            tf.DepthwiseConv2dNativeBackpropInput,
            { dy: seededTensor(forwardShape(c), 3), filter: seededTensor(c.filter, 4) },
            attrs(c, { inputShape: c.x }),
          ) as tf.Tensor,
    );
    expectCloseArrays(out.wasm, out.cpu);
  });

  test.each(DEPTHWISE_CASES)('depthwiseConv2d gradients, $name', async (c) => {
    const out = await onBothBackends(() =>
      weightedGrads(
        (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad),
        [seededTensor(c.x, 5), seededTensor(c.filter, 6)],
      ),
    );
    expectCloseArrays(out.wasm, out.cpu);
  });
});

/**
 * Depthwise backprops straight from the definition y[n,oy,ox,c·M+m] = Σ x[n, oy·s + ky·d - top, ox·s + kx·d - left, c]
 * · w[ky,kx,c,m]: the pure-JS backend ignores dilations in these kernels (tfjs never differentiates dilated
 * depthwise convs), so dilated cases are checked against this loop instead.
 */
function depthwiseBackpropsByDefinition(
  c: DepthwiseCase,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
) {
  const [n, h, wd, ch] = c.x;
  const [kh, kw, , mult] = c.filter;
  const info = tf.backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    c.dilations,
    c.pad,
    undefined,
    true,
  );
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < info.outHeight; oy++)
      for (let ox = 0; ox < info.outWidth; ox++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * c.strides + ky * c.dilations - info.padInfo.top;
            const ix = ox * c.strides + kx * c.dilations - info.padInfo.left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let k = 0; k < ch; k++)
              for (let m = 0; m < mult; m++) {
                const g = dy[((b * info.outHeight + oy) * info.outWidth + ox) * ch * mult + k * mult + m]!;
                const xi = ((b * h + iy) * wd + ix) * ch + k;
                const wi = ((ky * kw + kx) * ch + k) * mult + m;
                dx[xi]! += w[wi]! * g;
                dw[wi]! += x[xi]! * g;
              }
          }
  return { dx, dw };
}

const DILATED_CASES: DepthwiseCase[] = [
  {
    name: '3x3 dilation 2 same',
    x: [1, 9, 9, 3],
    filter: [3, 3, 3, 1],
    strides: 1,
    dilations: 2,
    pad: 'same',
  },
  {
    name: '3x3 dilation 3 valid, multiplier 2',
    x: [2, 10, 11, 2],
    filter: [3, 3, 2, 2],
    strides: 1,
    dilations: 3,
    pad: 'valid',
  },
];

describe('dilated depthwise backprop kernels on wasm match the definition', () => {
  test.each(DILATED_CASES)('$name', async (c) => {
    const outShape = tf.tidy(
      () =>
        tf.depthwiseConv2d(
          tf.zeros(c.x) as tf.Tensor4D,
          tf.zeros(c.filter) as tf.Tensor4D,
          c.strides,
          c.pad,
          'NHWC',
          c.dilations,
        ).shape,
    );
    const [x, w, dy] = [
      seeded(tf.util.sizeFromShape(c.x), 1),
      seeded(tf.util.sizeFromShape(c.filter), 2),
      seeded(tf.util.sizeFromShape(outShape), 3),
    ];
    const expected = depthwiseBackpropsByDefinition(c, x, w, dy);
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad };
    const wasm = await runOn('wasm', () => [
      tf
        .engine()
        .runKernel(
          tf.DepthwiseConv2dNativeBackpropInput,
          { dy: tf.tensor(dy, outShape), filter: tf.tensor(w, c.filter) },
          { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor,
      tf
        .engine()
        .runKernel(
          tf.DepthwiseConv2dNativeBackpropFilter,
          { x: tf.tensor(x, c.x), dy: tf.tensor(dy, outShape) },
          { ...attrs, filterShape: c.filter } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor,
    ]);
    expectCloseArrays(wasm, [expected.dx, expected.dw]);
  });
});

test('NCHW conv backprops are refused by name rather than computed in the wrong layout', async () => {
  await tf.setBackend('wasm');
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NCHW' };
  tf.tidy(() => {
    const x = tf.zeros([1, 2, 4, 4]);
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: tf.zeros([1, 3, 4, 4]) }, {
        ...attrs,
        filterShape: [3, 3, 2, 3],
      } as unknown as tf.NamedAttrMap),
    ).toThrow('not supported: Conv2DBackpropFilter with dataFormat NCHW');
    expect(() =>
      tf
        .engine()
        .runKernel(tf.Conv2DBackpropInput, { dy: tf.zeros([1, 3, 4, 4]), filter: tf.zeros([3, 3, 2, 3]) }, {
          ...attrs,
          inputShape: [1, 2, 4, 4],
        } as unknown as tf.NamedAttrMap),
    ).toThrow('not supported: Conv2DBackpropInput with dataFormat NCHW');
  });
});

describe("VGG's fc6 (3×3, dilation 6, pad 6) trains on wasm as on the pure-JS backend", () => {
  test.each([
    { name: 'larger than the dilated extent', x: [2, 15, 13, 5] },
    { name: 'smaller than it (taps fall in the padding)', x: [1, 4, 5, 3] },
  ])('$name', async ({ x }) => {
    const out = await onBothBackends(() => {
      const inputs = [seededTensor(x, 31), seededTensor([3, 3, x[3]!, 7], 32)];
      return weightedGrads(
        (a, w) => nn.dilatedConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 6, [6, 6, 6, 6]),
        inputs,
      );
    });
    expectCloseArrays(out.wasm, out.cpu);
  });
});
