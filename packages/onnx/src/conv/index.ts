export { type DataLayout, type ForwardOptions, isPointwise, unsupportedInputGradient } from './conv-graphs';
export { OrtConvRunner } from './conv-runner';
export { type ConvActivation, type ConvGeometry, unsupportedGeometry } from './geometry';
export { loadSyncRuntime, SYNC_RUNTIME_VERSION } from './sync-session';
