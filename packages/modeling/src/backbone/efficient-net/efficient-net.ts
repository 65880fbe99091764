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
import {
  type BatchNorm2d,
  Conv2d,
  type ModuleFactory,
  ReLU,
  type Scope,
  Sequential,
  Swish,
  xavierUniform,
  zeros,
} from '../../nn';
import type { PretrainedSource } from '../../pretrained/source';
import { Backbone } from '../backbone';
import { efficientNetBatchNorm, MBConvBlock } from './mb-conv-block';
import {
  EFFICIENT_NET_B0_STAGES,
  EFFICIENT_NET_VARIANTS,
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

/**
 * EfficientNet blocks plus SSD extras, one feature map per tapped block and per extra layer. The trunk is the
 * stem (conv, BatchNorm, swish) and the blocks; block i drops its residual branch at the network's rate ·
 * i / number of blocks in training.
 */
export class EfficientNet extends Backbone {
  /** Indices of the blocks whose outputs are feature maps. */
  readonly featureBlocks: ReadonlySet<number>;
  /** Each layer's output is a feature map. */
  readonly extras: Sequential;
  readonly convStem: Conv2d;
  readonly bn0: BatchNorm2d;
  readonly blocks: MBConvBlock[];

  /** @param modelName the reference's name, e.g. `efficientnet-b3` */
  constructor(scope: Scope, modelName: string) {
    const variant = EFFICIENT_NET_VARIANTS[modelName];
    if (!variant) {
      throw new Error(
        `not supported: EfficientNet variant '${modelName}' (SSD defines: ${Object.keys(EFFICIENT_NET_VARIANTS).join(', ')})`,
      );
    }
    const params = efficientNetGlobalParams(variant);
    // Declared first, as in the reference, so the state_dict order (and init order) matches.
    const extrasScope = scope.child('extras').withInit({ convWeight: xavierUniform, convBias: zeros });
    const extras = new Sequential(extrasScope, variant.extras.map(extraLayer));
    const stemChannels = roundFilters(32, params);
    const convStem = new Conv2d(scope.child('_conv_stem'), {
      inChannels: 3,
      outChannels: stemChannels,
      kernelSize: 3,
      stride: 2,
      padding: 'same',
      bias: false,
    });
    const bn0 = efficientNetBatchNorm(scope.child('_bn0'), stemChannels, params);
    const blocksScope = scope.child('_blocks');
    const blockArgs = expandBlocks(EFFICIENT_NET_B0_STAGES, params);
    const blocks = blockArgs.map(
      (args, i) =>
        new MBConvBlock(blocksScope.child(i), args, params, {
          dropConnectRate: (params.dropConnectRate * i) / blockArgs.length,
          site: i,
        }),
    );
    const stem = [convStem, bn0, new Swish()];
    super({
      layers: [...stem, ...blocks],
      taps: variant.featureBlocks.map((i) => stem.length + i + 1),
      extras: extras.layers,
    });
    this.featureBlocks = new Set(variant.featureBlocks);
    this.extras = extras;
    this.convStem = convStem;
    this.bn0 = bn0;
    this.blocks = blocks;
  }
}

/**
 * lukemelas/EfficientNet-PyTorch's ImageNet B3, loaded into the whole backbone with strict=False as the
 * reference does (its head is unused).
 */
export const EFFICIENT_NET_B3_PRETRAINED: PretrainedSource = {
  url: 'http://storage.googleapis.com/public-models/efficientnet-b3-c8376fa2.pth',
  description: 'EfficientNet-B3 (lukemelas/EfficientNet-PyTorch), ImageNet',
  under: 'backbone.',
  strict: false,
};
