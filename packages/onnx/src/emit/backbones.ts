/** Emitters of the built-in backbones and their blocks (MobileNetV2/V3, EfficientNet, VGG). */
import {
  EfficientNet,
  InvertedResidual,
  MBConvBlock,
  MobileNetV2,
  MobileNetV3,
  MobileNetV3InvertedResidual,
  MobileNetV3SELayer,
  type nn,
  VGG,
} from '@ssd/modeling';
import type { Value } from '../graph/graph-builder';
import { emitBatchNorm, emitConv, emitHardSigmoid, emitSwish } from './nn-layers';
import { BACKBONE_EMITTERS, type EmitContext, LAYER_EMITTERS } from './registry';

/** Runs `layers` in turn, as Sequential.forwardRange does. */
function emitLayers(layers: readonly object[], x: Value, ctx: EmitContext): Value {
  return layers.reduce<Value>((y, layer) => ctx.layer(layer, y), x);
}

/** An inverted residual's `conv` branch, plus the input when the block keeps stride and width. */
function emitResidualBlock(
  block: { conv: nn.Sequential; residual: boolean },
  x: Value,
  ctx: EmitContext,
): Value {
  const y = ctx.layer(block.conv, x);
  return block.residual ? ctx.graph.op('Add', [x, y], y.shape) : y;
}

LAYER_EMITTERS.register(InvertedResidual, emitResidualBlock);
LAYER_EMITTERS.register(MobileNetV3InvertedResidual, emitResidualBlock);

LAYER_EMITTERS.register(MobileNetV3SELayer, (se, x, ctx) => {
  const g = ctx.graph;
  const [n, c] = x.shape;
  const pooled = g.op('GlobalAveragePool', [x], [n, c, 1, 1]);
  const flat = g.op('Flatten', [pooled], [n, c], { axis: { int: 1 } });
  const squeezed = g.op('Relu', [ctx.layer(se.reduce, flat)], [n, se.reduce.weight.shape[1]]);
  const gate = emitHardSigmoid(ctx.layer(se.expand, squeezed), ctx);
  const gate4d = g.op('Unsqueeze', [gate.name, g.int64s([2, 3])], [n, c, 1, 1]);
  return g.op('Mul', [x, gate4d], x.shape);
});

LAYER_EMITTERS.register(MBConvBlock, (block, inputs, ctx) => {
  const g = ctx.graph;
  let x = inputs;
  if (block.expansion) {
    x = emitSwish(emitBatchNorm(block.expansion.bn, emitConv(block.expansion.conv, x, ctx), ctx), ctx);
  }
  x = emitSwish(emitBatchNorm(block.bn1, emitConv(block.depthwiseConv, x, ctx), ctx), ctx);
  if (block.se) {
    const [n, c] = x.shape;
    const pooled = g.op('GlobalAveragePool', [x], [n, c, 1, 1]);
    const gate = emitConv(block.se.expand, emitSwish(emitConv(block.se.reduce, pooled, ctx), ctx), ctx);
    x = g.op('Mul', [g.op('Sigmoid', [gate], gate.shape), x], x.shape);
  }
  x = emitBatchNorm(block.bn2, emitConv(block.projectConv, x, ctx), ctx);
  // Drop-connect is training-only.
  return block.residual ? g.op('Add', [x, inputs], x.shape) : x;
});

BACKBONE_EMITTERS.register(VGG, (vgg, images, ctx) => {
  let x = emitLayers(vgg.vgg.layers.slice(0, vgg.conv43End), images, ctx);
  const features = [ctx.layer(vgg.l2Norm, x)];
  x = emitLayers(vgg.vgg.layers.slice(vgg.conv43End), x, ctx);
  features.push(x);
  vgg.extras.forEach((conv, i) => {
    const y = ctx.layer(conv, x);
    x = ctx.graph.op('Relu', [y], y.shape);
    if (i % 2 === 1) features.push(x);
  });
  return features;
});

/** MobileNets: `features` tapped at `firstTap` and at the end, then one feature map per extra block. */
function emitMobileNet(net: MobileNetV2 | MobileNetV3, images: Value, ctx: EmitContext): Value[] {
  let x = emitLayers(net.features.layers.slice(0, net.firstTap), images, ctx);
  const features = [x];
  x = emitLayers(net.features.layers.slice(net.firstTap), x, ctx);
  features.push(x);
  for (const extra of net.extras) {
    x = ctx.layer(extra, x);
    features.push(x);
  }
  return features;
}

BACKBONE_EMITTERS.register(MobileNetV2, emitMobileNet);
BACKBONE_EMITTERS.register(MobileNetV3, emitMobileNet);

BACKBONE_EMITTERS.register(EfficientNet, (net, images, ctx) => {
  let x = emitSwish(emitBatchNorm(net.bn0, emitConv(net.convStem, images, ctx), ctx), ctx);
  const features: Value[] = [];
  net.blocks.forEach((block, i) => {
    x = ctx.layer(block, x);
    if (net.featureBlocks.has(i)) features.push(x);
  });
  for (const layer of net.extras.layers) {
    x = ctx.layer(layer, x);
    features.push(x);
  }
  return features;
});
