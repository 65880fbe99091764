/**
 * EfficientNet's mobile inverted bottleneck (MBConv) with TensorFlow 'same' padding: optional 1×1 expansion,
 * k×k depthwise, squeeze-and-excitation (1×1 convs with bias on the pooled map, sigmoid gate), linear 1×1
 * projection; swish activations. Tensor names follow the reference (`_expand_conv`, `_bn0`, `_depthwise_conv`,
 * `_bn1`, `_se_reduce`, `_se_expand`, `_project_conv`, `_bn2`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d, Conv2d, type ForwardContext, type Module, type Scope, Swish } from '../../nn';
import { dropConnect } from './drop-connect';
import type { EfficientNetGlobalParams, MBConvBlockArgs } from './params';

/** BatchNorm with the network's epsilon and its TensorFlow-style momentum converted to PyTorch's. */
export function efficientNetBatchNorm(
  scope: Scope,
  numFeatures: number,
  params: EfficientNetGlobalParams,
): BatchNorm2d {
  return new BatchNorm2d(scope, {
    numFeatures,
    eps: params.batchNormEpsilon,
    momentum: 1 - params.batchNormMomentum,
  });
}

/**
 * conv → BatchNorm; at inference as one convolution with the BatchNorm folded in (as `Sequential` does), so
 * the non-Sequential EfficientNet gets the same saving.
 */
export function convBatchNorm(
  conv: Conv2d,
  bn: BatchNorm2d,
  x: tf.Tensor4D,
  ctx: ForwardContext,
): tf.Tensor4D {
  return ctx.training ? bn.forward(conv.forward(x), ctx) : conv.forwardFused(x, bn, 'linear');
}

/** The optional 1×1 expansion of an MBConv block. */
export interface Expansion {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
}

/** The optional squeeze-and-excitation of an MBConv block. */
export interface SqueezeExcitation {
  readonly reduce: Conv2d;
  readonly expand: Conv2d;
}

/** Where an MBConv block sits in its network, for drop-connect in training. */
export interface MBConvPlacement {
  /** The rate its residual branch is dropped at (the network's rate scaled by the block's depth). */
  readonly dropConnectRate: number;
  /** Its random site: the block's index, so each block draws its own numbers. */
  readonly site: number;
}

/**
 * One MBConv block. `forward` drops the residual branch at the rate and site it was placed with (none by
 * default); a caller may pass others.
 */
export class MBConvBlock implements Module {
  readonly expansion: Expansion | null;
  readonly depthwiseConv: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly se: SqueezeExcitation | null;
  readonly projectConv: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly residual: boolean;
  readonly placement: MBConvPlacement;
  private readonly swish = new Swish();

  constructor(
    scope: Scope,
    args: MBConvBlockArgs,
    params: EfficientNetGlobalParams,
    placement: MBConvPlacement = { dropConnectRate: 0, site: 0 },
  ) {
    this.placement = placement;
    const inp = args.inputFilters;
    const oup = inp * args.expandRatio;
    this.expansion =
      args.expandRatio === 1
        ? null
        : {
            conv: new Conv2d(scope.child('_expand_conv'), {
              inChannels: inp,
              outChannels: oup,
              kernelSize: 1,
              padding: 'same',
              bias: false,
            }),
            bn: efficientNetBatchNorm(scope.child('_bn0'), oup, params),
          };
    this.depthwiseConv = new Conv2d(scope.child('_depthwise_conv'), {
      inChannels: oup,
      outChannels: oup,
      kernelSize: args.kernelSize,
      stride: args.stride,
      padding: 'same',
      groups: oup,
      bias: false,
    });
    this.bn1 = efficientNetBatchNorm(scope.child('_bn1'), oup, params);
    const seRatio = args.seRatio;
    if (seRatio !== null && seRatio > 0 && seRatio <= 1) {
      const squeezed = Math.max(1, Math.floor(inp * seRatio));
      this.se = {
        reduce: new Conv2d(scope.child('_se_reduce'), {
          inChannels: oup,
          outChannels: squeezed,
          kernelSize: 1,
          padding: 'same',
        }),
        expand: new Conv2d(scope.child('_se_expand'), {
          inChannels: squeezed,
          outChannels: oup,
          kernelSize: 1,
          padding: 'same',
        }),
      };
    } else {
      this.se = null;
    }
    this.projectConv = new Conv2d(scope.child('_project_conv'), {
      inChannels: oup,
      outChannels: args.outputFilters,
      kernelSize: 1,
      padding: 'same',
      bias: false,
    });
    this.bn2 = efficientNetBatchNorm(scope.child('_bn2'), args.outputFilters, params);
    this.residual = args.idSkip && args.stride === 1 && inp === args.outputFilters;
  }

  forward(
    inputs: tf.Tensor4D,
    ctx: ForwardContext,
    dropConnectRate = this.placement.dropConnectRate,
    site = this.placement.site,
  ): tf.Tensor4D {
    let x = inputs;
    if (this.expansion) x = this.swish.forward(convBatchNorm(this.expansion.conv, this.expansion.bn, x, ctx));
    x = this.swish.forward(convBatchNorm(this.depthwiseConv, this.bn1, x, ctx));
    if (this.se) {
      const pooled = tf.mean(x, [1, 2], true) as tf.Tensor4D;
      const gate = this.se.expand.forward(this.swish.forward(this.se.reduce.forward(pooled)));
      x = tf.mul(tf.sigmoid(gate), x);
    }
    x = convBatchNorm(this.projectConv, this.bn2, x, ctx);
    if (!this.residual) return x;
    return tf.add(dropConnect(x, dropConnectRate, ctx, site), inputs);
  }
}
