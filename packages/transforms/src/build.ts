import {
  buildPriors,
  matchAndEncode,
  type PriorConfig,
  type TargetConfig,
  type TargetEncoding,
} from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import { compose } from './compose';
import { photometricDistort } from './photometric';
import { convertFromInts, subtractMeans, toTensor } from './pixels';
import { randomGeometry } from './random-geometry';
import { resize } from './resize';
import type { EntryTransform } from './sample';

/** The config fields the image transforms read; any full `SSDConfig` satisfies it. */
export interface TransformConfig {
  INPUT: Pick<SSDConfig['INPUT'], 'IMAGE_SIZE' | 'PIXEL_MEAN'> &
    Partial<Pick<SSDConfig['INPUT'], 'EXPAND_MAX_RATIO' | 'PHOTOMETRIC_DISTORT'>>;
}

/**
 * The reference's build_transforms: for training ConvertFromInts, PhotometricDistort, Expand(mean),
 * RandomSampleCrop, RandomMirror, ToPercentCoords, Resize, SubtractMeans, ToTensor; for testing Resize,
 * SubtractMeans, ToTensor (boxes stay in pixels). INPUT.EXPAND_MAX_RATIO and INPUT.PHOTOMETRIC_DISTORT (ours)
 * can lighten the training augmentation; their defaults are the reference's.
 */
export function buildTransforms(cfg: TransformConfig, isTrain = true): EntryTransform {
  const { IMAGE_SIZE, PIXEL_MEAN, EXPAND_MAX_RATIO, PHOTOMETRIC_DISTORT = true } = cfg.INPUT;
  if (!(Number.isInteger(IMAGE_SIZE) && IMAGE_SIZE > 0)) {
    throw new Error(`INPUT.IMAGE_SIZE must be a positive integer, got ${IMAGE_SIZE}`);
  }
  if (PIXEL_MEAN.length !== 3) throw new Error(`INPUT.PIXEL_MEAN needs 3 values, got ${PIXEL_MEAN.length}`);
  if (!isTrain) return compose(resize(IMAGE_SIZE), subtractMeans(PIXEL_MEAN), toTensor());
  // randomGeometry is Expand, RandomSampleCrop, RandomMirror, ToPercentCoords and Resize fused into one
  // step with the same draws and output, computing only the output pixels.
  const geometry = randomGeometry(PIXEL_MEAN, IMAGE_SIZE, EXPAND_MAX_RATIO);
  return PHOTOMETRIC_DISTORT
    ? compose(convertFromInts(), photometricDistort(), geometry, subtractMeans(PIXEL_MEAN), toTensor())
    : compose(convertFromInts(), geometry, subtractMeans(PIXEL_MEAN), toTensor());
}

/** Maps one image's relative corner boxes and labels to per-prior training targets. */
export type TargetTransform = (boxes: Float32Array, labels: Int32Array) => TargetEncoding;

/**
 * The reference's build_target_transform (SSDTargetTransform): priors from the config, matched at
 * MODEL.THRESHOLD and encoded with MODEL.CENTER_VARIANCE / SIZE_VARIANCE by @ssd/boxes.
 */
export function buildTargetTransform(cfg: PriorConfig & TargetConfig): TargetTransform {
  const priors = buildPriors(cfg);
  return (boxes, labels) => matchAndEncode(boxes, labels, priors, cfg);
}
