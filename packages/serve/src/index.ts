/** SSD detection over HTTP: `createDetectionServer(predictor, options)`, then `listen()` and `drain()`. */
export { type BatcherLimits, type BatchStats, DynamicBatcher, type Ticket } from './batcher';
export { type ErrorBody, type ErrorCode, ServeError } from './errors';
export { METRIC } from './metrics';
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_MAX_PIXELS,
  type DetectionServerOptions,
  type ResolvedOptions,
} from './options';
export {
  createDetectionServer,
  type DetectionServer,
  type DetectResponse,
  type DrainResult,
  IMAGE_CONTENT_TYPES,
  type ModelInfo,
} from './server';
export { type DrainOnSignalsOptions, drainOnSignals } from './signals';
