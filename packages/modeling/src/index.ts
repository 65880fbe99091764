export {
  isTorchTensor,
  OrderedDictValue,
  PickleCallable,
  type PickleStateful,
  readTorchCheckpoint,
  SET_STATE,
  STATE_DICT_GLOBALS,
  type TorchCheckpoint,
  type TorchDType,
  type TorchTensor,
  type TorchTensorData,
  tensorToFloat32,
  type UnpickleOptions,
  unpickle,
} from './checkpoint';
/** Layer primitives and named model state (used by backbones and heads, including ones in other packages). */
export * as nn from './nn';
