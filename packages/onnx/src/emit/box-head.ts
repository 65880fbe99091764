/** Emitters of the box predictor (per-level headers, flattened and concatenated) and SSDBoxHead (softmax, decoding). */
import { HeaderBoxPredictor, SSDBoxHead } from '@ssd/modeling';
import type { Value } from '../graph/graph-builder';
import { type EmitContext, HEAD_EMITTERS, PREDICTOR_EMITTERS } from './registry';

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
    const y = ctx.layer(headers[level], f);
    const [n, c, h, w] = y.shape;
    const count = (h * w * c) / width;
    priors += count;
    const nhwc = g.op('Transpose', [y], [n, h, w, c], { perm: { ints: [0, 2, 3, 1] } });
    // 0 copies the (dynamic) batch size.
    return g.op('Reshape', [nhwc.name, g.int64s([0, -1, width])], [n, count, width]);
  });
  return g.op('Concat', parts, [features[0].shape[0], priors, width], { axis: { int: 1 } });
}

PREDICTOR_EMITTERS.register(HeaderBoxPredictor, (predictor, features, ctx) => {
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

/**
 * Softmax over classes, and the regressions decoded against the priors inside the graph (center = loc·cv·size +
 * center, size = exp(loc·sv)·size), then corners (center ∓ size / 2), relative to the image.
 */
HEAD_EMITTERS.register(SSDBoxHead, (head, features, ctx) => {
  const g = ctx.graph;
  const { clsLogits, bboxPred } = PREDICTOR_EMITTERS.emit(head.predictor, features, ctx);
  const [n, count] = bboxPred.shape;
  if (count !== head.priors.length / 4) {
    throw new Error(
      `the network gives ${count} boxes per image but MODEL.PRIORS defines ${head.priors.length / 4}: check INPUT.IMAGE_SIZE and MODEL.PRIORS.FEATURE_MAPS`,
    );
  }
  const scores = g.op('Softmax', [clsLogits], clsLogits.shape, { axis: { int: 2 } });
  const half = [n, count, 2];
  const slice = (from: number, to: number) =>
    g.op('Slice', [bboxPred.name, g.int64s([from]), g.int64s([to]), g.int64s([2])], half);
  const { centers, sizes } = priorHalves(head.priors);
  const { CENTER_VARIANCE: cv, SIZE_VARIANCE: sv } = head.cfg.MODEL;
  const priorCenters = g.floats('priors_center', centers, [count, 2]);
  const priorSizes = g.floats('priors_size', sizes, [count, 2]);
  const scaledSizes = g.floats(
    'priors_size_x_center_variance',
    sizes.map((v) => v * cv),
    [count, 2],
  );
  const center = g.op('Add', [g.op('Mul', [slice(0, 2).name, scaledSizes], half).name, priorCenters], half);
  const logSize = g.op('Mul', [slice(2, 4).name, g.scalar(sv)], half);
  const size = g.op('Mul', [g.op('Exp', [logSize], half).name, priorSizes], half);
  const halfSize = g.op('Mul', [size.name, g.scalar(0.5)], half);
  const corners = [g.op('Sub', [center, halfSize], half), g.op('Add', [center, halfSize], half)];
  return { scores, boxes: g.op('Concat', corners, [n, count, 4], { axis: { int: 2 } }) };
});
