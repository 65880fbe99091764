/**
 * @ssd/modeling: nn layers, backbones as data, box heads and predictors, the MultiBox loss, post-processing,
 * the SSD detector, and the registries a config selects components from by name (built-ins registered).
 */
import { claimThisCopy } from './single-copy';

export {
  Backbone,
  type BackboneTopology,
  convBatchNorm,
  convBNHardSwish,
  convBNReLU,
  EFFICIENT_NET_VARIANTS,
  EfficientNet,
  type EfficientNetGlobalParams,
  type EfficientNetVariant,
  type ExtraConvSpec,
  efficientNetGlobalParams,
  type FeatureTap,
  InvertedResidual,
  MBConvBlock,
  type MBConvBlockArgs,
  type MBConvPlacement,
  MobileNetV2,
  MobileNetV3,
  type MobileNetV3BlockOptions,
  MobileNetV3InvertedResidual,
  MobileNetV3SELayer,
  type ResolvedTopology,
  VGG,
  walkTopology,
} from './backbone';
export {
  type InferenceForward,
  SSDDetector,
  type SSDDetectorOptions,
  type TrainingForward,
} from './detector';
export {
  type BoxHead,
  type BoxPredictor,
  type DetectionTargets,
  HeaderBoxPredictor,
  type PredictorOutput,
  SSDBoxHead,
  ssdBoxPredictor,
  ssdLiteBoxPredictor,
} from './head';
export { type MultiBoxLosses, multiBoxLoss } from './loss/multibox-loss';
/** Layer primitives and named model state (used by backbones and heads, including ones in other packages). */
export * as nn from './nn';
export {
  type Detections,
  detectionsFromScores,
  type PostProcessConfig,
  postProcess,
  postProcessAsync,
} from './postprocess/post-processor';
export { loadPretrainedBackbone, type PretrainedLoad, type PretrainedSource } from './pretrained';
export {
  BACKBONES,
  type BackboneFactory,
  BOX_HEADS,
  BOX_PREDICTORS,
  type BoxHeadFactory,
  type BoxPredictorFactory,
  buildBackbone,
  buildBoxHead,
  buildBoxPredictor,
  buildDetectionModel,
  type DetectorFactory,
  META_ARCHITECTURES,
  PRETRAINED_SOURCES,
} from './registry';

// The registries are module state: a second copy of this package must fail, not split them.
claimThisCopy();
