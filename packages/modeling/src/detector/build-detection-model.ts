import type { SSDConfig } from '@ssd/config';
import { META_ARCHITECTURES } from '../registry/meta-architectures';
import type { SSDDetector, SSDDetectorOptions } from './ssd-detector';

/** The detection model cfg.MODEL.META_ARCHITECTURE names (the reference has only `SSDDetector`). */
export function buildDetectionModel(cfg: SSDConfig, options?: SSDDetectorOptions): SSDDetector {
  return META_ARCHITECTURES.get(cfg.MODEL.META_ARCHITECTURE)(cfg, options);
}
