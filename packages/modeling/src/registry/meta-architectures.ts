/** The detection meta-architecture registry (a leaf: it knows the detector's type, not who registers). */
import { Registry, type SSDConfig } from '@ssd/config';
import type { SSDDetector, SSDDetectorOptions } from '../detector/ssd-detector';

/** Builds a whole detection model. */
export type DetectorFactory = (cfg: SSDConfig, options?: SSDDetectorOptions) => SSDDetector;

/** Detection meta-architectures by MODEL.META_ARCHITECTURE (the reference has only `SSDDetector`). */
export const META_ARCHITECTURES = new Registry<DetectorFactory>(
  'meta architecture',
  'MODEL.META_ARCHITECTURE',
);
