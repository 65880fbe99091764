/** The detection model and its builder. */
export { buildDetectionModel } from './build-detection-model';
export {
  type InferenceForward,
  SSDDetector,
  type SSDDetectorOptions,
  type TrainingForward,
} from './ssd-detector';
