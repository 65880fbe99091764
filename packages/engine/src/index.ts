export { type BackendCheck, runBackendCheck } from './backend/check';
export { BACKEND_LOADERS, BackendUnavailableError, hasGpuDevice } from './backend/loaders';
export { initBackend, type SelectedBackend } from './backend/select';
export { writeFileAtomic } from './checkpoint/atomic-write';
export {
  Checkpointer,
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type TrainingState,
} from './checkpoint/checkpointer';
export {
  readSafetensors,
  type SafetensorsContent,
  type TensorRecord,
  writeSafetensors,
} from './checkpoint/safetensors';
