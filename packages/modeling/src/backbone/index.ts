/** Built-in backbones; importing this module registers them in BACKBONES. */
export type { Backbone } from './backbone';
export {
  convBatchNorm,
  dropConnect,
  EFFICIENT_NET_B0_STAGES,
  EFFICIENT_NET_VARIANTS,
  EfficientNet,
  type EfficientNetGlobalParams,
  type EfficientNetVariant,
  type ExtraConvSpec,
  efficientNetBatchNorm,
  efficientNetGlobalParams,
  expandBlocks,
  MBConvBlock,
  type MBConvBlockArgs,
  roundFilters,
  roundRepeats,
} from './efficient-net';
export { makeDivisible } from './make-divisible';
export { convBNReLU, InvertedResidual, MobileNetV2 } from './mobilenet-v2';
export { MobileNetV3 } from './mobilenet-v3';
export {
  convBNHardSwish,
  type MobileNetV3BlockOptions,
  MobileNetV3InvertedResidual,
  MobileNetV3SELayer,
} from './mobilenet-v3-blocks';
export { pythonRound } from './python-round';
export { VGG } from './vgg';
