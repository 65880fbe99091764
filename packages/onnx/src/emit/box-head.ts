/** Emitters of the box predictor (per-level headers, flattened and concatenated) and SSDBoxHead (softmax, decoding). */
import { type BoxArithmetic, cornersOf, decodeCenterSize } from '@ssd/boxes';
import { HeaderBoxPredictor, SSDBoxHead } from '@ssd/modeling';
import type { GraphBuilder, Value } from '../graph/graph-builder';
import { type EmitContext, emitWith, HEAD_EMITTERS, PREDICTOR_EMITTERS, registerEmitter } from './registry';

/**
 * Each level's header output [N, A·K, H, W] → [N, H, W, A·K] → [N, H·W·A, K], concatenated over levels: the
 * reference's prior order (feature map, row, column, box).
 */
function flattenHeaders(
  headers: readonly object[],
  features: Value[],
  width: number,
  ctx: EmitContext,
): Value {
  const g = ctx.graph;
  let priors = 0;
  const parts = features.map((f, level) => {
    const y = ctx.layer(headers[level]!, f);
    const [n, c, h, w] = y.shape;
    const count = (h * w * c) / width;
    priors += count;
    const nhwc = g.op('Transpose', [y], [n, h, w, c], { perm: { ints: [0, 2, 3, 1] } });
    // 0 copies the (dynamic) batch size.
    return g.op('Reshape', [nhwc.name, g.int64s([0, -1, width])], [n, count, width]);
  });
  return g.op('Concat', parts, [features[0]!.shape[0]!, priors, width], { axis: { int: 1 } });
}

/** @ssd/boxes' decoding arithmetic as graph nodes (a broadcast result takes the higher-rank operand's shape). */
function graphArithmetic(g: GraphBuilder): BoxArithmetic<Value> {
  const shape = (a: Value, b: Value) => (a.shape.length >= b.shape.length ? a.shape : b.shape);
  return {
    add: (a, b) => g.op('Add', [a, b], shape(a, b)),
    sub: (a, b) => g.op('Sub', [a, b], shape(a, b)),
    mul: (a, b) => g.op('Mul', [a, b], shape(a, b)),
    scale: (a, factor) => g.op('Mul', [a.name, g.scalar(factor)], a.shape),
    exp: (a) => g.op('Exp', [a], a.shape),
  };
}

/** Splits the priors [P × 4] (cx, cy, w, h) into centers and sizes [P, 2]. */
function priorHalves(priors: Float32Array): { centers: Float32Array; sizes: Float32Array } {
  const count = priors.length / 4;
  const centers = new Float32Array(2 * count);
  const sizes = new Float32Array(2 * count);
  for (let p = 0; p < count; p++) {
    centers.set(priors.subarray(4 * p, 4 * p + 2), 2 * p);
    sizes.set(priors.subarray(4 * p + 2, 4 * p + 4), 2 * p);
  }
  return { centers, sizes };
}

/** Registers the emitters of @ssd/modeling's box predictors and box head. */
export function registerHeadEmitters(): void {
  registerEmitter(PREDICTOR_EMITTERS, HeaderBoxPredictor, (predictor, features, ctx) => {
    if (features.length !== predictor.clsHeaders.length) {
      throw new Error(
        `box predictor expects ${predictor.clsHeaders.length} feature maps, got ${features.length}`,
      );
    }
    return {
      clsLogits: flattenHeaders(predictor.clsHeaders, features, predictor.numClasses, ctx),
      bboxPred: flattenHeaders(predictor.regHeaders, features, 4, ctx),
    };
  });

  // Softmax over classes, and the regressions decoded against the priors inside the graph, to corners
  // relative to the image: @ssd/boxes' formula, written as nodes.
  registerEmitter(HEAD_EMITTERS, SSDBoxHead, (head, features, ctx) => {
    const g = ctx.graph;
    const { clsLogits, bboxPred } = emitWith(PREDICTOR_EMITTERS, 'predictor', head.predictor, features, ctx);
    const [n, count] = bboxPred.shape;
    if (count !== head.priors.length / 4) {
      throw new Error(
        `the network gives ${count} boxes per image but MODEL.PRIORS defines ${head.priors.length / 4}: check INPUT.IMAGE_SIZE and MODEL.PRIORS.FEATURE_MAPS`,
      );
    }
    const scores = g.op('Softmax', [clsLogits], clsLogits.shape, { axis: { int: 2 } });
    const half = [n!, count, 2];
    const slice = (from: number, to: number) =>
      g.op('Slice', [bboxPred.name, g.int64s([from]), g.int64s([to]), g.int64s([2])], half);
    const { centers, sizes } = priorHalves(head.priors);
    const priors = {
      center: { name: g.floats('priors_center', centers, [count, 2]), shape: [count, 2] },
      size: { name: g.floats('priors_size', sizes, [count, 2]), shape: [count, 2] },
    };
    const ops = graphArithmetic(g);
    const { CENTER_VARIANCE: cv, SIZE_VARIANCE: sv } = head.cfg.MODEL;
    const decoded = decodeCenterSize(ops, { center: slice(0, 2), size: slice(2, 4) }, priors, cv, sv);
    const { min, max } = cornersOf(ops, decoded);
    return { scores, boxes: g.op('Concat', [min, max], [n!, count, 4], { axis: { int: 2 } }) };
  });
}
