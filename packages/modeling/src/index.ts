export {
  type Backbone,
  convBatchNorm,
  convBNHardSwish,
  convBNReLU,
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
  InvertedResidual,
  MBConvBlock,
  type MBConvBlockArgs,
  MobileNetV2,
  MobileNetV3,
  type MobileNetV3BlockOptions,
  MobileNetV3InvertedResidual,
  MobileNetV3SELayer,
  makeDivisible,
  pythonRound,
  roundFilters,
  roundRepeats,
  VGG,
} from './backbone';
export { decodeLocations, encodeLocations } from './box/box-coding';
export { centerFormToCornerForm, cornerFormToCenterForm } from './box/box-forms';
export { IOU_EPS, iouMatrix } from './box/iou';
export { assignPriors, type PriorAssignment } from './box/matching';
export { buildPriors, type PriorConfig, priorsPerLocation } from './box/priors';
export { matchAndEncode, type TargetConfig, type TargetEncoding } from './box/target-transform';
export {
  isTorchTensor,
  OrderedDictValue,
  PickleCallable,
  type PickleStateful,
  type ReadCheckpointOptions,
  readTorchCheckpoint,
  SET_STATE,
  STATE_DICT_GLOBALS,
  type TensorLimit,
  type TorchCheckpoint,
  type TorchDType,
  type TorchTensor,
  type TorchTensorData,
  tensorToFloat32,
  type UnpickleOptions,
  unpickle,
  writeTorchCheckpoint,
} from './checkpoint';
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
export {
  registerTfjsGradients,
  registerWasmGradientKernels,
  registerWasmInferenceKernels,
  registerWebGpuGradientKernels,
} from './kernels';
export { hardNegativeMask } from './loss/hard-negative-mining';
export { type MultiBoxLosses, multiBoxLoss } from './loss/multibox-loss';
/** Layer primitives and named model state (used by backbones and heads, including ones in other packages). */
export * as nn from './nn';
export { centerFormToCornerFormTensor, decodeLocationsTensor } from './postprocess/box-tensors';
export { batchedNms, nms } from './postprocess/nms';
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
  Registry,
} from './registry';
