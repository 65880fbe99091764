/** The detection model; importing this module registers `SSDDetector` (and the built-in components). */
export {
  type InferenceForward,
  SSDDetector,
  type SSDDetectorOptions,
  type TrainingForward,
} from './ssd-detector';
