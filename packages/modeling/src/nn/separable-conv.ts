/** The reference's SeparableConv2d (ssd/layers/separable_conv.py), used by SSDLite heads. */

import type * as tf from '@tensorflow/tfjs-core';
import { ReLU6 } from './activation';
import { BatchNorm2d } from './batch-norm';
import { Conv2d } from './conv';
import type { ForwardContext, Module } from './module';
import { Sequential } from './sequential';
import type { Scope } from './state';

/** Construction options (PyTorch defaults: kernel 1, stride 1, padding 0). */
export interface SeparableConv2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize?: number;
  readonly stride?: number;
  readonly padding?: number;
}

/**
 * `conv.0` depthwise conv (with bias) → `conv.1` BatchNorm → `conv.2` ReLU6 → `conv.3` 1×1 conv (with bias).
 */
export class SeparableConv2d implements Module {
  readonly conv: Sequential;

  constructor(scope: Scope, opts: SeparableConv2dOptions) {
    const c = opts.inChannels;
    this.conv = new Sequential(scope.child('conv'), [
      (s) =>
        new Conv2d(s, {
          inChannels: c,
          outChannels: c,
          kernelSize: opts.kernelSize ?? 1,
          stride: opts.stride,
          padding: opts.padding,
          groups: c,
        }),
      (s) => new BatchNorm2d(s, { numFeatures: c }),
      () => new ReLU6(),
      (s) => new Conv2d(s, { inChannels: c, outChannels: opts.outChannels, kernelSize: 1 }),
    ]);
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.conv.forward(x, ctx);
  }
}
