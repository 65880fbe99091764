/**
 * The reference's EfficientNet backbone for SSD (only B3 is defined there): swish stem and MBConv blocks, the
 * outputs of blocks 7, 17 and 25 (48, 136, 384 channels at 300×300: 38, 19, 10 pixels) as feature maps, then
 * three conv-ReLU-conv-ReLU `extras` (256 channels: 5, 3, 1 pixels). Convolutions use TensorFlow 'same' padding
 * computed from the input size, so any input size works.
 *
 * Initialisation follows the reference built without pretrained weights: PyTorch's default init everywhere
 * except the extras (xavier-uniform weights, zero biases). With MODEL.BACKBONE.PRETRAINED the trainer then loads
 * the EfficientNet-PyTorch ImageNet weights into the whole backbone with strict=False, as the reference does:
 * stem and blocks match by name; the file's head (`_conv_head`, `_bn1`, `_fc`) is unused.
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  type BatchNorm2d,
  Conv2d,
  type ForwardContext,
  type ModuleFactory,
  ReLU,
  type Scope,
  Sequential,
  Swish,
  xavierUniform,
  zeros,
} from '../../nn';
import { BACKBONES, PRETRAINED_SOURCES } from '../../registry';
import type { Backbone } from '../backbone';
import { convBatchNorm, efficientNetBatchNorm, MBConvBlock } from './mb-conv-block';
import {
  EFFICIENT_NET_B0_STAGES,
  EFFICIENT_NET_VARIANTS,
  type EfficientNetGlobalParams,
  type ExtraConvSpec,
  efficientNetGlobalParams,
  expandBlocks,
  roundFilters,
} from './params';

function extraLayer(convs: readonly ExtraConvSpec[]): ModuleFactory {
  return (scope) =>
    new Sequential(
      scope,
      convs.flatMap(([inChannels, outChannels, kernelSize, stride, padding]): ModuleFactory[] => [
        (s) => new Conv2d(s, { inChannels, outChannels, kernelSize, stride, padding }),
        () => new ReLU(),
      ]),
    );
}

/** EfficientNet blocks plus SSD extras, one feature map per tapped block and per extra layer. */
export class EfficientNet implements Backbone {
  private readonly params: EfficientNetGlobalParams;
  /** Indices of the blocks whose outputs are feature maps. */
  readonly featureBlocks: ReadonlySet<number>;
  /** Each layer's output is a feature map. */
  readonly extras: Sequential;
  readonly convStem: Conv2d;
  readonly bn0: BatchNorm2d;
  readonly blocks: MBConvBlock[];
  private readonly swish = new Swish();

  /** @param modelName the reference's name, e.g. `efficientnet-b3` */
  constructor(scope: Scope, modelName: string) {
    const variant = EFFICIENT_NET_VARIANTS[modelName];
    if (!variant) {
      throw new Error(
        `not supported: EfficientNet variant '${modelName}' (SSD defines: ${Object.keys(EFFICIENT_NET_VARIANTS).join(', ')})`,
      );
    }
    this.params = efficientNetGlobalParams(variant);
    this.featureBlocks = new Set(variant.featureBlocks);
    // Declared first, as in the reference, so the state_dict order (and init order) matches.
    const extrasScope = scope.child('extras').withInit({ convWeight: xavierUniform, convBias: zeros });
    this.extras = new Sequential(extrasScope, variant.extras.map(extraLayer));
    const stemChannels = roundFilters(32, this.params);
    this.convStem = new Conv2d(scope.child('_conv_stem'), {
      inChannels: 3,
      outChannels: stemChannels,
      kernelSize: 3,
      stride: 2,
      padding: 'same',
      bias: false,
    });
    this.bn0 = efficientNetBatchNorm(scope.child('_bn0'), stemChannels, this.params);
    const blocksScope = scope.child('_blocks');
    this.blocks = expandBlocks(EFFICIENT_NET_B0_STAGES, this.params).map(
      (args, i) => new MBConvBlock(blocksScope.child(i), args, this.params),
    );
  }

  forward(images: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D[] {
    let x = this.swish.forward(convBatchNorm(this.convStem, this.bn0, images, ctx));
    const features: tf.Tensor4D[] = [];
    this.blocks.forEach((block, i) => {
      x = block.forward(x, ctx, (this.params.dropConnectRate * i) / this.blocks.length, i);
      if (this.featureBlocks.has(i)) features.push(x);
    });
    for (const layer of this.extras.layers) {
      x = layer.forward(x, ctx);
      features.push(x);
    }
    return features;
  }
}

BACKBONES.register('efficient_net-b3', (_cfg, scope) => new EfficientNet(scope, 'efficientnet-b3'));
PRETRAINED_SOURCES.register('efficient_net-b3', {
  url: 'http://storage.googleapis.com/public-models/efficientnet-b3-c8376fa2.pth',
  description: 'EfficientNet-B3 (lukemelas/EfficientNet-PyTorch), ImageNet',
  under: 'backbone.',
  strict: false,
});
