/** Emitters of @ssd/modeling's layer primitives (NCHW in the graph; the tfjs model is NHWC). */
import { nn } from '@ssd/modeling';
import type { Value } from '../graph/graph-builder';
import { type EmitContext, LAYER_EMITTERS, registerEmitter } from './registry';

/** Output length of a convolution or pooling window along one axis. */
function windowOutput(
  size: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
) {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Conv2d as ONNX Conv; `same` padding is resolved for the (static) input size. */
export function emitConv(conv: nn.Conv2d, x: Value, ctx: EmitContext): Value {
  const [n, c, h, w] = x.shape;
  const [top, bottom, left, right] = conv.resolvePadding(h, w);
  const [kh, kw, , m] = conv.weight.shape;
  const outChannels = conv.depthwise ? c * m : m;
  const inputs = [x.name, ctx.weight(conv.weight, conv.depthwise ? 'depthwise' : 'conv')];
  if (conv.bias) inputs.push(ctx.weight(conv.bias, 'same'));
  const d = conv.dilation;
  const s = conv.stride;
  const shape = [
    n,
    outChannels,
    windowOutput(h, kh, s, top, bottom, d),
    windowOutput(w, kw, s, left, right, d),
  ];
  return ctx.graph.op('Conv', inputs, shape, {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: [s, s] },
    dilations: { ints: [d, d] },
    pads: { ints: [top, left, bottom, right] },
    group: { int: conv.depthwise ? c : 1 },
  });
}

/** Inference-mode BatchNorm2d (running statistics); ONNX Runtime folds it into the preceding Conv. */
export function emitBatchNorm(bn: nn.BatchNorm2d, x: Value, ctx: EmitContext): Value {
  const inputs = [bn.weight, bn.bias, bn.runningMean, bn.runningVar].map((v) => ctx.weight(v, 'same'));
  return ctx.graph.op('BatchNormalization', [x, ...inputs], x.shape, { epsilon: { float: bn.eps } });
}

/** x · sigmoid(x). */
export function emitSwish(x: Value, ctx: EmitContext): Value {
  return ctx.graph.op('Mul', [x, ctx.graph.op('Sigmoid', [x], x.shape)], x.shape);
}

/** relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1), MobileNetV3's gate. */
export function emitHardSigmoid(x: Value, ctx: EmitContext): Value {
  return ctx.graph.op('HardSigmoid', [x], x.shape, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
}

/** Registers the emitters of @ssd/modeling's `nn` layers. */
export function registerLayerEmitters(): void {
  registerEmitter(LAYER_EMITTERS, nn.Conv2d, emitConv);
  registerEmitter(LAYER_EMITTERS, nn.BatchNorm2d, emitBatchNorm);
  registerEmitter(LAYER_EMITTERS, nn.ReLU, (_m, x, ctx) => ctx.graph.op('Relu', [x], x.shape));
  registerEmitter(LAYER_EMITTERS, nn.ReLU6, (_m, x, ctx) =>
    ctx.graph.op('Clip', [x.name, ctx.graph.scalar(0), ctx.graph.scalar(6)], x.shape),
  );
  // ONNX's HardSwish is x · max(0, min(1, x/6 + 1/2)), exactly MobileNetV3's h_swish.
  registerEmitter(LAYER_EMITTERS, nn.HardSwish, (_m, x, ctx) => ctx.graph.op('HardSwish', [x], x.shape));
  registerEmitter(LAYER_EMITTERS, nn.Swish, (_m, x, ctx) => emitSwish(x, ctx));
  registerEmitter(LAYER_EMITTERS, nn.Identity, (_m, x) => x);
  registerEmitter(LAYER_EMITTERS, nn.Sequential, (seq, x, ctx) =>
    seq.layers.reduce((y, layer) => ctx.layer(layer, y), x),
  );
  registerEmitter(LAYER_EMITTERS, nn.SeparableConv2d, (sep, x, ctx) => ctx.layer(sep.conv, x));
  // The branch, plus the input when the block keeps stride and width.
  registerEmitter(LAYER_EMITTERS, nn.Residual, (block, x, ctx) => {
    const y = ctx.layer(block.branch, x);
    return block.residual ? ctx.graph.op('Add', [x, y], y.shape) : y;
  });

  registerEmitter(LAYER_EMITTERS, nn.L2Norm, (l2, x, ctx) => {
    const g = ctx.graph;
    const [n, , h, w] = x.shape;
    const sumSquares = g.op('ReduceSumSquare', [x], [n, 1, h, w], {
      axes: { ints: [1] },
      keepdims: { int: 1 },
    });
    const norm = g.op(
      'Add',
      [g.op('Sqrt', [sumSquares], sumSquares.shape).name, g.scalar(nn.L2Norm.EPS)],
      sumSquares.shape,
    );
    return g.op('Mul', [g.op('Div', [x, norm], x.shape).name, ctx.weight(l2.weight, 'channel')], x.shape);
  });

  registerEmitter(LAYER_EMITTERS, nn.Linear, (linear, x, ctx) => {
    const [inputs, outputs] = linear.weight.shape;
    if (x.shape.length !== 2 || x.shape[1] !== inputs) {
      throw new Error(`Linear expects [N, ${inputs}] in the ONNX graph, got [${x.shape.join(', ')}]`);
    }
    const args = [x.name, ctx.weight(linear.weight, 'same')];
    if (linear.bias) args.push(ctx.weight(linear.bias, 'same'));
    return ctx.graph.op('Gemm', args, [x.shape[0], outputs]);
  });

  registerEmitter(LAYER_EMITTERS, nn.MaxPool2d, (pool, x, ctx) => {
    const [n, c, h, w] = x.shape;
    // ONNX pads of MaxPool never win, like the -inf padding the tfjs layer adds.
    const [top, bottom, left, right] = pool.windowPadding(h, w);
    const k = pool.kernel;
    const s = pool.stride;
    const shape = [n, c, windowOutput(h, k, s, top, bottom), windowOutput(w, k, s, left, right)];
    return ctx.graph.op('MaxPool', [x], shape, {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [s, s] },
      pads: { ints: [top, left, bottom, right] },
    });
  });
}
