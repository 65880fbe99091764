/**
 * One convolution's forward pass, input gradient and filter gradient as small ONNX graphs, so that ONNX
 * Runtime's CPU kernels can run a tfjs backend's convolutions. Pointwise convolutions and every filter
 * gradient work on NHWC data (tfjs's layout) as matrix products; the others take NCHW data and OIHW filters,
 * the layout of MLAS's convolution — the caller changes layouts (ONNX Runtime's Transpose moves NHWC ⇄ NCHW
 * at about 0.2 GB/s here, tfjs-wasm's at 5 GB/s). The batch is a symbolic dimension: one graph serves every
 * batch size of a geometry.
 */
import { BATCH, GraphBuilder, IR_VERSION, ONNX_OPSET, type Value, valueInfo } from '../graph/graph-builder';
import { encodeModel, type ValueInfoProto } from '../proto/onnx-schema';
import type { ConvActivation, ConvGeometry } from './geometry';

/** Where a graph wants its data: NHWC for matrix-product graphs, NCHW for ONNX's Conv. */
export type DataLayout = 'NHWC' | 'NCHW';

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

/** The input's shape in a layout (the batch symbolic). */
export function inShape(g: ConvGeometry, layout: DataLayout): number[] {
  return layout === 'NHWC'
    ? [BATCH, g.inHeight, g.inWidth, g.inChannels]
    : [BATCH, g.inChannels, g.inHeight, g.inWidth];
}

/** The output's shape in a layout (the batch symbolic). */
export function outShape(g: ConvGeometry, layout: DataLayout): number[] {
  return layout === 'NHWC'
    ? [BATCH, g.outHeight, g.outWidth, g.outChannels]
    : [BATCH, g.outChannels, g.outHeight, g.outWidth];
}

/** A filter's layout: tfjs's HWIO, ONNX Conv's OIHW, or the input gradient's [C, O, kh, kw] spatially flipped. */
export type FilterLayout = 'HWIO' | 'OIHW' | 'flipped';

/** The filter's dimensions in a layout. */
export function filterDims(g: ConvGeometry, layout: FilterLayout = 'HWIO'): number[] {
  const { filterHeight: kh, filterWidth: kw, inChannels: c, outChannels: o } = g;
  if (layout === 'HWIO') return [kh, kw, c, o];
  return layout === 'OIHW' ? [o, c, kh, kw] : [c, o, kh, kw];
}

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

/** `y` through an activation (not 'linear'), the result named `outputName` if given. */
function activate(
  graph: GraphBuilder,
  y: Value,
  activation: ConvActivation,
  alpha: number,
  outputName?: string,
): Value {
  const op = (type: string, inputs: (Value | string)[], attributes = {}) =>
    graph.op(type, inputs, y.shape, attributes, outputName);
  switch (activation) {
    case 'linear':
      throw new Error('activate: linear is no operation');
    case 'relu':
      return op('Relu', [y]);
    case 'relu6':
      return op('Clip', [y, graph.scalar(0), graph.scalar(6)]);
    case 'elu':
      return op('Elu', [y], { alpha: { float: 1 } });
    case 'sigmoid':
      return op('Sigmoid', [y]);
    case 'leakyrelu':
      return op('LeakyRelu', [y], { alpha: { float: alpha } });
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
export function isPointwise(g: ConvGeometry): boolean {
  const p = g.padInfo;
  return (
    g.filterHeight === 1 &&
    g.filterWidth === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    p.top + p.bottom + p.left + p.right === 0
  );
}

/** The layout of the forward and input-gradient graphs' data for a geometry. */
export function dataLayout(g: ConvGeometry): DataLayout {
  return isPointwise(g) ? 'NHWC' : 'NCHW';
}

/** Which filter layout `forwardGraph(g)` takes. */
export function forwardFilter(g: ConvGeometry): FilterLayout {
  return isPointwise(g) ? 'HWIO' : 'OIHW';
}

/**
 * y = activation(conv(x, w) + b), inputs x, w (and b [O]), output y, data in `dataLayout(g)`: pointwise, a
 * matrix product with w HWIO; otherwise ONNX's Conv with w OIHW.
 */
export function forwardGraph(g: ConvGeometry, options: ForwardOptions): Uint8Array {
  const graph = new GraphBuilder();
  const layout = dataLayout(g);
  const linear = options.activation === 'linear';
  let y: Value;
  if (layout === 'NHWC') {
    const x = graph.op('Reshape', ['x', graph.int64s([-1, g.inChannels])], []);
    const w = graph.op('Reshape', ['w', graph.int64s([g.inChannels, g.outChannels])], []);
    const product = options.bias ? graph.op('Gemm', [x, w, 'b'], []) : graph.op('MatMul', [x, w], []);
    const activated = linear ? product : activate(graph, product, options.activation, options.alpha);
    y = graph.op('Reshape', [activated, graph.int64s(outShape(g, layout))], [], {}, 'y');
  } else {
    const inputs = options.bias ? ['x', 'w', 'b'] : ['x', 'w'];
    y = graph.op('Conv', inputs, [], convAttributes(g), linear ? 'y' : undefined);
    if (!linear) y = activate(graph, y, options.activation, options.alpha, 'y');
  }
  const inputs = [valueInfo('x', inShape(g, layout)), valueInfo('w', filterDims(g, forwardFilter(g)))];
  if (options.bias) inputs.push(valueInfo('b', [g.outChannels]));
  return encode(graph, 'conv_forward', inputs, [valueInfo('y', outShape(g, layout))]);
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

/** Which filter layout `inputGradientGraph(g)` takes. */
export function inputGradientFilter(g: ConvGeometry): FilterLayout {
  if (isPointwise(g)) return 'HWIO';
  return flippedPads(g) ? 'flipped' : 'OIHW';
}

/**
 * dx from dy and w, data in `dataLayout(g)`, w as `inputGradientFilter(g)` says: pointwise, dy · wᵀ over all
 * pixels; for stride 1 a convolution of the padded dy by the spatially flipped filter, its channels swapped
 * ([C, O, kh, kw]; MLAS's convolution works in cache-sized blocks where its ConvTranspose builds a whole
 * column buffer, C·kh·kw floats per pixel: about 2× slower on VGG's first layers); otherwise ConvTranspose.
 */
export function inputGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new GraphBuilder();
  const layout = dataLayout(g);
  const filter = inputGradientFilter(g);
  if (filter === 'HWIO') {
    const dy = graph.op('Reshape', ['dy', graph.int64s([-1, g.outChannels])], []);
    const w = graph.op('Reshape', ['w', graph.int64s([g.inChannels, g.outChannels])], []);
    const product = graph.op('Gemm', [dy, w], [], { transB: { int: 1 } });
    graph.op('Reshape', [product, graph.int64s(inShape(g, layout))], [], {}, 'dx');
  } else if (filter === 'flipped') {
    // Stride 1 (flippedPads' condition), so only the padding differs from the forward convolution's.
    const attributes = { ...convAttributes(g), pads: { ints: flippedPads(g)! } };
    graph.op('Conv', ['dy', 'w'], [], attributes, 'dx');
  } else {
    const outputPadding = { ints: outputPaddings(g) };
    graph.op('ConvTranspose', ['dy', 'w'], [], { ...convAttributes(g), output_padding: outputPadding }, 'dx');
  }
  const inputs = [valueInfo('dy', outShape(g, layout)), valueInfo('w', filterDims(g, filter))];
  return encode(graph, 'conv_input_gradient', inputs, [valueInfo('dx', inShape(g, layout))]);
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
  graph.op('Reshape', [all, graph.int64s(filterDims(g))], [], {}, 'dw');
  const inputs = [valueInfo('x', inShape(g, 'NHWC')), valueInfo('dy', outShape(g, 'NHWC'))];
  return encode(graph, 'conv_filter_gradient', inputs, [valueInfo('dw', filterDims(g))]);
}
