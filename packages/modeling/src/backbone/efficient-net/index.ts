/** The reference's EfficientNet backbone (registered as `efficient_net-b3`). */
export { dropConnect } from './drop-connect';
export { EFFICIENT_NET_B3_PRETRAINED, EfficientNet } from './efficient-net';
export { convBatchNorm, efficientNetBatchNorm, MBConvBlock, type MBConvPlacement } from './mb-conv-block';
export {
  EFFICIENT_NET_B0_STAGES,
  EFFICIENT_NET_VARIANTS,
  type EfficientNetGlobalParams,
  type EfficientNetVariant,
  type ExtraConvSpec,
  efficientNetGlobalParams,
  expandBlocks,
  type MBConvBlockArgs,
  roundFilters,
  roundRepeats,
} from './params';
