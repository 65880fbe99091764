export { type BackendCheck, runBackendCheck } from './backend/check';
export { BACKEND_LOADERS, BackendUnavailableError, hasGpuDevice } from './backend/loaders';
export { initBackend, type SelectedBackend } from './backend/select';
