/** Emitters of the built-in backbones' own blocks: MobileNetV3's squeeze-and-excitation, EfficientNet's MBConv. */
import { MBConvBlock, MobileNetV3SELayer } from '@ssd/modeling';
import { emitBatchNorm, emitConv, emitHardSigmoid, emitSwish } from './nn-layers';
import { LAYER_EMITTERS, registerEmitter } from './registry';

/** Registers the emitters of the blocks @ssd/modeling's backbones are made of (beyond `nn` layers). */
export function registerBlockEmitters(): void {
  registerEmitter(LAYER_EMITTERS, MobileNetV3SELayer, (se, x, ctx) => {
    const g = ctx.graph;
    const [n, c] = x.shape;
    const pooled = g.op('GlobalAveragePool', [x], [n, c, 1, 1]);
    const flat = g.op('Flatten', [pooled], [n, c], { axis: { int: 1 } });
    const squeezed = g.op('Relu', [ctx.layer(se.reduce, flat)], [n, se.reduce.weight.shape[1]]);
    const gate = emitHardSigmoid(ctx.layer(se.expand, squeezed), ctx);
    const gate4d = g.op('Unsqueeze', [gate.name, g.int64s([2, 3])], [n, c, 1, 1]);
    return g.op('Mul', [x, gate4d], x.shape);
  });

  registerEmitter(LAYER_EMITTERS, MBConvBlock, (block, inputs, ctx) => {
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
}
