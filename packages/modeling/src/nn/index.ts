/** Layer primitives (NHWC, PyTorch-named state) used by every backbone and head. */
export { type FusableActivation, ReLU, ReLU6 } from './activation';
export { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm';
export { BATCH_NORM_APPLY, BATCH_NORM_DX, BATCH_NORM_DZ, BATCH_NORM_GRAD } from './batch-norm-kernels';
export { type BatchNormSync, withBatchNormSync } from './batch-norm-sync';
export { Conv2d, type Conv2dOptions, type Padding } from './conv';
export { type ConvBNOptions, convBNActivation } from './conv-bn';
export { dilatedConv2d, type Pads } from './dilated-conv';
export { batchDraws } from './draws';
export { Identity } from './identity';
export {
  computeFans,
  constant,
  type Initializer,
  type InitSpec,
  kaimingNormalFanOut,
  normal,
  torchDefaultUniform,
  xavierUniform,
  zeros,
} from './init';
export { L2Norm } from './l2-norm';
export { Linear, type LinearOptions } from './linear';
export type { ForwardContext, Module, ModuleFactory, TrainingDraws } from './module';
export { MaxPool2d, type MaxPool2dOptions, pooledSize } from './pool';
export { Residual } from './residual';
export { runLayers } from './run-layers';
export { SeparableConv2d, type SeparableConv2dOptions } from './separable-conv';
export { Sequential } from './sequential';
export {
  type InitScheme,
  Scope,
  type StateEntry,
  StateStore,
  type TensorSpec,
  TORCH_DEFAULT_INIT,
  type TorchStateTensor,
  type TorchSubsetLoad,
} from './state';
export { StateDictModel } from './state-dict-model';
export { HardSwish, hardSigmoid, Swish } from './swish';
export { type TorchLayout, type TorchTensorLike, tensorFromTorch, toTorchLayout } from './torch-layout';
