/**
 * Building blocks of the reference's MobileNetV3 (large): conv-BN-h_swish stems, the squeeze-and-excitation
 * layer (two fully connected layers on the pooled channels, hard-sigmoid gate) and the inverted residual.
 * Sequential indices (including parameterless layers and nn.Identity) follow the reference so tensor names
 * match its state_dict.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  BatchNorm2d,
  Conv2d,
  convBNActivation,
  HardSwish,
  hardSigmoid,
  Identity,
  Linear,
  type Module,
  type ModuleFactory,
  ReLU,
  Residual,
  type Scope,
  Sequential,
} from '../nn';
import { makeDivisible } from './make-divisible';

/** `0` conv k×k (no bias, padding (k - 1) / 2) → `1` BatchNorm → `2` h_swish (conv_3x3_bn / conv_1x1_bn). */
export function convBNHardSwish(
  inChannels: number,
  outChannels: number,
  kernelSize: 1 | 3,
  stride = 1,
): ModuleFactory {
  return convBNActivation(inChannels, outChannels, () => new HardSwish(), { kernelSize, stride });
}

/**
 * Squeeze-and-excitation: global average pool → `fc.0` Linear(C, C/4 rounded to 8) → ReLU → `fc.2` Linear(→ C)
 * → hard sigmoid, which scales the input's channels.
 */
export class MobileNetV3SELayer implements Module {
  readonly reduce: Linear;
  readonly expand: Linear;

  constructor(scope: Scope, channels: number, reduction = 4) {
    const squeezed = makeDivisible(Math.floor(channels / reduction), 8);
    const fc = scope.child('fc');
    this.reduce = new Linear(fc.child(0), { inFeatures: channels, outFeatures: squeezed });
    this.expand = new Linear(fc.child(2), { inFeatures: squeezed, outFeatures: channels });
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const [n, , , c] = x.shape;
    const pooled = tf.mean(x, [1, 2]) as tf.Tensor2D;
    const gate = hardSigmoid(this.expand.forward(tf.relu(this.reduce.forward(pooled))));
    return tf.mul(x, tf.reshape(gate, [n, 1, 1, c]));
  }
}

/** Options of one inverted residual block (a row of the reference's `cfgs` table, resolved to widths). */
export interface MobileNetV3BlockOptions {
  readonly inChannels: number;
  readonly hiddenChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: 1 | 2;
  /** Squeeze-and-excitation after the depthwise convolution. */
  readonly useSE: boolean;
  /** h_swish instead of ReLU. */
  readonly useHardSwish: boolean;
}

/**
 * MobileNetV3's inverted residual, `conv.*` as in the reference. Without expansion (hidden = in):
 * depthwise → BN → act → SE|Identity → 1×1 → BN. With expansion: 1×1 → BN → act → depthwise → BN → SE|Identity
 * → act → 1×1 → BN. The input is added back when the block keeps stride 1 and width.
 */
export class MobileNetV3InvertedResidual extends Residual<Sequential> {
  constructor(scope: Scope, opts: MobileNetV3BlockOptions) {
    const { inChannels, hiddenChannels: hidden, outChannels, kernelSize, stride } = opts;
    const activation: ModuleFactory = () => (opts.useHardSwish ? new HardSwish() : new ReLU());
    const squeeze: ModuleFactory = (s) => (opts.useSE ? new MobileNetV3SELayer(s, hidden) : new Identity());
    const depthwise: ModuleFactory[] = [
      (s) =>
        new Conv2d(s, {
          inChannels: hidden,
          outChannels: hidden,
          kernelSize,
          stride,
          padding: (kernelSize - 1) / 2,
          groups: hidden,
          bias: false,
        }),
      (s) => new BatchNorm2d(s, { numFeatures: hidden }),
    ];
    const project: ModuleFactory[] = [
      (s) => new Conv2d(s, { inChannels: hidden, outChannels, kernelSize: 1, bias: false }),
      (s) => new BatchNorm2d(s, { numFeatures: outChannels }),
    ];
    const layers: ModuleFactory[] =
      inChannels === hidden
        ? [...depthwise, activation, squeeze, ...project]
        : [
            (s) => new Conv2d(s, { inChannels, outChannels: hidden, kernelSize: 1, bias: false }),
            (s) => new BatchNorm2d(s, { numFeatures: hidden }),
            activation,
            ...depthwise,
            squeeze,
            activation,
            ...project,
          ];
    super(new Sequential(scope.child('conv'), layers), stride === 1 && inChannels === outChannels);
  }

  /** The branch, under its reference name. */
  get conv(): Sequential {
    return this.branch;
  }
}
