/** The backbone contract (a topology and its one generic forward) and the built-in backbones. */
export {
  Backbone,
  type BackboneTopology,
  type FeatureTap,
  type ResolvedTopology,
  walkTopology,
} from './backbone';
export { buildBackbone } from './build-backbone';
export {
  convBatchNorm,
  dropConnect,
  EFFICIENT_NET_B0_STAGES,
  EFFICIENT_NET_B3_PRETRAINED,
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
  type MBConvPlacement,
  roundFilters,
  roundRepeats,
} from './efficient-net';
export { makeDivisible } from './make-divisible';
export { convBNReLU, InvertedResidual, MOBILENET_V2_PRETRAINED, MobileNetV2 } from './mobilenet-v2';
export { MOBILENET_V3_PRETRAINED, MobileNetV3 } from './mobilenet-v3';
export {
  convBNHardSwish,
  type MobileNetV3BlockOptions,
  MobileNetV3InvertedResidual,
  MobileNetV3SELayer,
} from './mobilenet-v3-blocks';
export { pythonRound } from './python-round';
export { VGG, VGG_PRETRAINED } from './vgg';
