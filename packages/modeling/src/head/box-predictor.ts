/**
 * The reference's box predictors: one classification and one regression header per feature map
 * (`cls_headers.<level>`, `reg_headers.<level>`), every convolution xavier-uniform with zero bias. With NHWC
 * outputs, flattening each header's [N, H, W, boxes·K] to [N, H·W·boxes, K] gives the reference's prior order
 * (feature map, row, column, box) without a transpose.
 */
import type { SSDConfig } from '@ssd/config';
import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d,
  type ForwardContext,
  type Module,
  type Scope,
  SeparableConv2d,
  xavierUniform,
  zeros,
} from '../nn';
import type { BoxPredictor, PredictorOutput } from './types';

/** Builds the header for one feature map level producing `outChannels` = boxes per location × values per box. */
type HeaderFactory = (scope: Scope, level: number, inChannels: number, outChannels: number) => Module;

/** Per-level headers for class logits and box regressions, concatenated over levels. */
export class HeaderBoxPredictor implements BoxPredictor {
  readonly clsHeaders: Module[];
  readonly regHeaders: Module[];
  readonly numClasses: number;

  constructor(cfg: SSDConfig, scope: Scope, makeHeader: HeaderFactory) {
    const s = scope.withInit({ convWeight: xavierUniform, convBias: zeros });
    const { BOXES_PER_LOCATION } = cfg.MODEL.PRIORS;
    const channels = cfg.MODEL.BACKBONE.OUT_CHANNELS;
    if (BOXES_PER_LOCATION.length !== channels.length) {
      throw new Error(
        `MODEL.PRIORS.BOXES_PER_LOCATION has ${BOXES_PER_LOCATION.length} levels but MODEL.BACKBONE.OUT_CHANNELS has ${channels.length}`,
      );
    }
    this.numClasses = cfg.MODEL.NUM_CLASSES;
    const cls = s.child('cls_headers');
    const reg = s.child('reg_headers');
    this.clsHeaders = channels.map((c, level) =>
      makeHeader(cls.child(level), level, c, BOXES_PER_LOCATION[level] * this.numClasses),
    );
    this.regHeaders = channels.map((c, level) =>
      makeHeader(reg.child(level), level, c, BOXES_PER_LOCATION[level] * 4),
    );
  }

  forward(features: tf.Tensor4D[], ctx: ForwardContext): PredictorOutput {
    if (features.length !== this.clsHeaders.length) {
      throw new Error(`box predictor expects ${this.clsHeaders.length} feature maps, got ${features.length}`);
    }
    const flatten = (headers: Module[], width: number) =>
      tf.concat(
        features.map((f, level) => tf.reshape(headers[level].forward(f, ctx), [f.shape[0], -1, width])),
        1,
      ) as tf.Tensor3D;
    return { clsLogits: flatten(this.clsHeaders, this.numClasses), bboxPred: flatten(this.regHeaders, 4) };
  }
}

/** SSDBoxPredictor: a 3×3 convolution (padding 1) per header. */
export const ssdBoxPredictor = (cfg: SSDConfig, scope: Scope): BoxPredictor =>
  new HeaderBoxPredictor(
    cfg,
    scope,
    (s, _level, inChannels, outChannels) =>
      new Conv2d(s, { inChannels, outChannels, kernelSize: 3, padding: 1 }),
  );

/**
 * SSDLiteBoxPredictor: a SeparableConv2d (3×3 depthwise + BN + ReLU6 + 1×1) per header, except a plain 1×1
 * convolution on the last feature map (as the reference builds it).
 */
export const ssdLiteBoxPredictor = (cfg: SSDConfig, scope: Scope): BoxPredictor => {
  const last = cfg.MODEL.BACKBONE.OUT_CHANNELS.length - 1;
  return new HeaderBoxPredictor(cfg, scope, (s, level, inChannels, outChannels) =>
    level === last
      ? new Conv2d(s, { inChannels, outChannels, kernelSize: 1 })
      : new SeparableConv2d(s, { inChannels, outChannels, kernelSize: 3, padding: 1 }),
  );
};
