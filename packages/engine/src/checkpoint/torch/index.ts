export type { TorchDType, TorchTensorData } from './dtypes';
export { type ReadCheckpointOptions, readTorchCheckpoint, type TorchCheckpoint } from './read-checkpoint';
export type { TensorLimit } from './storage-loader';
export { isTorchTensor, type TorchTensor, tensorToFloat32 } from './tensor';
export { OrderedDictValue, STATE_DICT_GLOBALS } from './torch-globals';
export { PickleCallable, type PickleStateful, SET_STATE, type UnpickleOptions, unpickle } from './unpickle';
export { writeTorchCheckpoint } from './write-checkpoint';
