/**
 * One convolution's forward pass, input gradient and filter gradient as small ONNX graphs over NHWC data
 * and HWIO filters (tfjs's layouts), so ONNX Runtime's CPU kernels can run a tfjs backend's convolutions.
 * The batch is a symbolic dimension: one graph serves every batch size of a geometry.
 */
import { BATCH, GraphBuilder, IR_VERSION, ONNX_OPSET, type Value, valueInfo } from '../graph/graph-builder';
import { encodeModel, type ValueInfoProto } from '../proto/onnx-schema';
import type { ConvActivation, ConvGeometry } from './geometry';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** HWIO → OIHW, the layout of ONNX's Conv weights (and of ConvTranspose's, whose input is Conv's output). */
const HWIO_TO_OIHW = [3, 2, 0, 1];

function encode(
  graph: GraphBuilder,
  name: string,
  inputs: ValueInfoProto[],
  outputs: ValueInfoProto[],
): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    producerName: 'ssd-ts',
    producerVersion: '',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [],
    graph: { name, node: graph.nodes, initializer: graph.initializers, input: inputs, output: outputs },
  });
}

const inShape = (g: ConvGeometry) => [BATCH, g.inHeight, g.inWidth, g.inChannels];
const outShape = (g: ConvGeometry) => [BATCH, g.outHeight, g.outWidth, g.outChannels];
const filterShape = (g: ConvGeometry) => [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];

/** Conv's spatial attributes for a geometry (ONNX pads: begins, then ends). */
function convAttributes(g: ConvGeometry) {
  const p = g.padInfo;
  return {
    dilations: { ints: [g.dilationHeight, g.dilationWidth] },
    strides: { ints: [g.strideHeight, g.strideWidth] },
    pads: { ints: [p.top, p.left, p.bottom, p.right] },
    kernel_shape: { ints: [g.filterHeight, g.filterWidth] },
  };
}

function activate(graph: GraphBuilder, y: Value, activation: ConvActivation, alpha: number): Value {
  switch (activation) {
    case 'linear':
      return y;
    case 'relu':
      return graph.op('Relu', [y], y.shape);
    case 'relu6':
      return graph.op('Clip', [y, graph.scalar(0), graph.scalar(6)], y.shape);
    case 'elu':
      return graph.op('Elu', [y], y.shape, { alpha: { float: 1 } });
    case 'sigmoid':
      return graph.op('Sigmoid', [y], y.shape);
    case 'leakyrelu':
      return graph.op('LeakyRelu', [y], y.shape, { alpha: { float: alpha } });
  }
}

/** Options of the forward graph: a bias input `b` [outC] and an activation after it. */
export interface ForwardOptions {
  readonly bias: boolean;
  readonly activation: ConvActivation;
  /** LeakyRelu's slope. */
  readonly alpha: number;
}

/** A 1×1 convolution with stride 1 and no padding: on NHWC data, one matrix product over all pixels. */
function isPointwise(g: ConvGeometry): boolean {
  const p = g.padInfo;
  return (
    g.filterHeight === 1 &&
    g.filterWidth === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    p.top + p.bottom + p.left + p.right === 0
  );
}

/**
 * y = activation(conv(x, w) + b): inputs x [N,H,W,C], w [kh,kw,C,O] (and b [O]), output y [N,Ho,Wo,O].
 * Pointwise convolutions are a matrix product on the data as it is; the others go through ONNX's NCHW Conv
 * (MLAS's convolution is NCHW only), transposed in and out.
 */
export function forwardGraph(g: ConvGeometry, options: ForwardOptions): Uint8Array {
  const graph = new GraphBuilder();
  let y: Value;
  if (isPointwise(g)) {
    const x = graph.op('Reshape', ['x', graph.int64s([-1, g.inChannels])], []);
    const w = graph.op('Reshape', ['w', graph.int64s([g.inChannels, g.outChannels])], []);
    const product = options.bias ? graph.op('Gemm', [x, w, 'b'], []) : graph.op('MatMul', [x, w], []);
    const activated = activate(graph, product, options.activation, options.alpha);
    y = graph.op(
      'Reshape',
      [activated, graph.int64s([-1, g.outHeight, g.outWidth, g.outChannels])],
      [],
      {},
      'y',
    );
  } else {
    const x = graph.op('Transpose', ['x'], [], { perm: { ints: TO_NCHW } });
    const w = graph.op('Transpose', ['w'], [], { perm: { ints: HWIO_TO_OIHW } });
    const conv = graph.op('Conv', options.bias ? [x, w, 'b'] : [x, w], [], convAttributes(g));
    const activated = activate(graph, conv, options.activation, options.alpha);
    y = graph.op('Transpose', [activated], [], { perm: { ints: TO_NHWC } }, 'y');
  }
  const inputs = [valueInfo('x', inShape(g)), valueInfo('w', filterShape(g))];
  if (options.bias) inputs.push(valueInfo('b', [g.outChannels]));
  return encode(graph, 'conv_forward', inputs, [valueInfo(y.name, outShape(g))]);
}

/**
 * The rows and columns [h, w] ConvTranspose adds at the end so that its output has the forward input's size:
 * tfjs's padding may leave input pixels that no output pixel reads.
 */
function outputPaddings(g: ConvGeometry): [number, number] {
  const p = g.padInfo;
  const extra = (size: number, out: number, k: number, s: number, d: number, pads: number) =>
    size - ((out - 1) * s + (k - 1) * d + 1 - pads);
  return [
    extra(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, g.dilationHeight, p.top + p.bottom),
    extra(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.dilationWidth, p.left + p.right),
  ];
}

/** Why the input-gradient graph cannot serve this geometry, or null when it can. */
export function unsupportedInputGradient(g: ConvGeometry): string | null {
  const [extraH, extraW] = outputPaddings(g);
  const fits = (extra: number, stride: number, dilation: number) =>
    extra >= 0 && extra < Math.max(stride, dilation);
  if (fits(extraH, g.strideHeight, g.dilationHeight) && fits(extraW, g.strideWidth, g.dilationWidth))
    return null;
  return `an input gradient needing output padding ${extraH}×${extraW}`;
}

/**
 * The zero padding [top, left, bottom, right] around dy with which a stride-1 convolution by the flipped filter
 * gives dx, or null where a side would need a negative one (the forward pass padded beyond the filter's reach).
 */
function flippedPads(g: ConvGeometry): number[] | null {
  if (g.strideHeight !== 1 || g.strideWidth !== 1) return null;
  const p = g.padInfo;
  const [extraH, extraW] = outputPaddings(g);
  const spanH = (g.filterHeight - 1) * g.dilationHeight;
  const spanW = (g.filterWidth - 1) * g.dilationWidth;
  const pads = [spanH - p.top, spanW - p.left, spanH - p.bottom + extraH, spanW - p.right + extraW];
  return pads.every((v) => v >= 0) ? pads : null;
}

/**
 * dx [N,H,W,C] from dy [N,Ho,Wo,O] and w [kh,kw,C,O]: for stride 1 a convolution of the padded dy by the
 * spatially flipped filter, its channels swapped (MLAS's convolution works in cache-sized blocks where its
 * ConvTranspose builds a whole column buffer, C·kh·kw floats per pixel: about 2× slower on VGG's first
 * layers); otherwise ConvTranspose.
 */
export function inputGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new GraphBuilder();
  const inputs = [valueInfo('dy', outShape(g)), valueInfo('w', filterShape(g))];
  if (isPointwise(g)) {
    // dx = dy · wᵀ over all pixels.
    const dy = graph.op('Reshape', ['dy', graph.int64s([-1, g.outChannels])], []);
    const w = graph.op('Reshape', ['w', graph.int64s([g.inChannels, g.outChannels])], []);
    const product = graph.op('Gemm', [dy, w], [], { transB: { int: 1 } });
    graph.op('Reshape', [product, graph.int64s([-1, g.inHeight, g.inWidth, g.inChannels])], [], {}, 'dx');
    return encode(graph, 'conv_input_gradient', inputs, [valueInfo('dx', inShape(g))]);
  }
  const dy = graph.op('Transpose', ['dy'], [], { perm: { ints: TO_NCHW } });
  const pads = flippedPads(g);
  let dx: Value;
  if (pads) {
    // HWIO → [C, O, kh, kw] (OIHW of the swapped channels), then kh and kw reversed.
    const swapped = graph.op('Transpose', ['w'], [], { perm: { ints: [2, 3, 0, 1] } });
    const flipped = graph.op(
      'Slice',
      [
        swapped,
        graph.int64s([-1, -1]),
        graph.int64s([-g.filterHeight - 1, -g.filterWidth - 1]),
        graph.int64s([2, 3]),
        graph.int64s([-1, -1]),
      ],
      [],
    );
    dx = graph.op('Conv', [dy, flipped], [], {
      dilations: { ints: [g.dilationHeight, g.dilationWidth] },
      pads: { ints: pads },
      kernel_shape: { ints: [g.filterHeight, g.filterWidth] },
    });
  } else {
    const w = graph.op('Transpose', ['w'], [], { perm: { ints: HWIO_TO_OIHW } });
    const outputPadding = { ints: outputPaddings(g) };
    dx = graph.op('ConvTranspose', [dy, w], [], { ...convAttributes(g), output_padding: outputPadding });
  }
  graph.op('Transpose', [dx], [], { perm: { ints: TO_NHWC } }, 'dx');
  return encode(graph, 'conv_input_gradient', inputs, [valueInfo('dx', inShape(g))]);
}

/**
 * dW[ky,kx] = (x's pixels that tap (ky,kx) reads)ᵀ · dy, one matrix product per tap over every output pixel
 * of the batch, on NHWC data as it is (no layout change): inputs x [N,H,W,C], dy [N,Ho,Wo,O]; output
 * dw [kh,kw,C,O].
 */
export function filterGradientGraph(g: ConvGeometry): Uint8Array {
  const p = g.padInfo;
  const graph = new GraphBuilder();
  const rows = (channels: number) => graph.int64s([-1, channels]);
  const dy = graph.op('Reshape', ['dy', rows(g.outChannels)], []);
  const padded = p.top + p.bottom + p.left + p.right > 0;
  const x = padded
    ? graph.op('Pad', ['x', graph.int64s([0, p.top, p.left, 0, 0, p.bottom, p.right, 0])], [])
    : 'x';
  const taps: Value[] = [];
  for (let ky = 0; ky < g.filterHeight; ky++) {
    for (let kx = 0; kx < g.filterWidth; kx++) {
      const top = ky * g.dilationHeight;
      const left = kx * g.dilationWidth;
      const bottom = top + (g.outHeight - 1) * g.strideHeight + 1;
      const right = left + (g.outWidth - 1) * g.strideWidth + 1;
      const whole = top === 0 && left === 0 && g.strideHeight === 1 && g.strideWidth === 1;
      const read =
        whole && bottom === g.inHeight + p.top + p.bottom && right === g.inWidth + p.left + p.right
          ? x
          : graph.op(
              'Slice',
              [
                x,
                graph.int64s([top, left]),
                graph.int64s([bottom, right]),
                graph.int64s([1, 2]),
                graph.int64s([g.strideHeight, g.strideWidth]),
              ],
              [],
            );
      const pixels = graph.op('Reshape', [read, rows(g.inChannels)], []);
      taps.push(graph.op('Gemm', [pixels, dy], [], { transA: { int: 1 } }));
    }
  }
  const all = taps.length === 1 ? taps[0]! : graph.op('Concat', taps, [], { axis: { int: 0 } });
  graph.op('Reshape', [all, graph.int64s(filterShape(g))], [], {}, 'dw');
  const inputs = [valueInfo('x', inShape(g)), valueInfo('dy', outShape(g))];
  return encode(graph, 'conv_filter_gradient', inputs, [valueInfo('dw', filterShape(g))]);
}
