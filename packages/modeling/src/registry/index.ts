/**
 * The component registries. Built-in backbones, predictors and heads register themselves when their modules
 * load (importing `@ssd/modeling` loads them all); another package adds its own the same way, and a config
 * selects it by name.
 */
import type { SSDConfig } from '@ssd/config';
import type { Backbone } from '../backbone/backbone';
import type { SSDDetector, SSDDetectorOptions } from '../detector/ssd-detector';
import type { BoxHead, BoxPredictor } from '../head/types';
import type { Scope } from '../nn';
import type { PretrainedSource } from '../pretrained/source';
import { Registry } from './registry';
import { claimSingleCopy } from './single-copy';

// Before any registry exists: a second copy of this package must fail here, not split the registries.
claimSingleCopy();

export { Registry } from './registry';

/** Builds a backbone whose tensors are named under `scope` (the detector passes `backbone`). */
export type BackboneFactory = (cfg: SSDConfig, scope: Scope) => Backbone;
/** Builds a box predictor under `scope` (the box head passes `box_head.predictor`). */
export type BoxPredictorFactory = (cfg: SSDConfig, scope: Scope) => BoxPredictor;
/** Builds a box head under `scope` (the detector passes `box_head`). */
export type BoxHeadFactory = (cfg: SSDConfig, scope: Scope) => BoxHead;
/** Builds a whole detection model. */
export type DetectorFactory = (cfg: SSDConfig, options?: SSDDetectorOptions) => SSDDetector;

/** Backbones by MODEL.BACKBONE.NAME. */
export const BACKBONES = new Registry<BackboneFactory>('backbone', 'MODEL.BACKBONE.NAME');
/** Box heads by MODEL.BOX_HEAD.NAME. */
export const BOX_HEADS = new Registry<BoxHeadFactory>('box head', 'MODEL.BOX_HEAD.NAME');
/** Box predictors by MODEL.BOX_HEAD.PREDICTOR. */
export const BOX_PREDICTORS = new Registry<BoxPredictorFactory>('box predictor', 'MODEL.BOX_HEAD.PREDICTOR');
/** Detection meta-architectures by MODEL.META_ARCHITECTURE. */
export const META_ARCHITECTURES = new Registry<DetectorFactory>(
  'meta architecture',
  'MODEL.META_ARCHITECTURE',
);

/**
 * ImageNet weights by MODEL.BACKBONE.NAME, for MODEL.BACKBONE.PRETRAINED: each built-in backbone registers the
 * reference's source; a plug-in backbone registers its own (or has none, and says so when PRETRAINED is set).
 */
export const PRETRAINED_SOURCES = new Registry<PretrainedSource>('pretrained weights', 'MODEL.BACKBONE.NAME');

/** The backbone cfg.MODEL.BACKBONE.NAME names, built under `scope`. */
export function buildBackbone(cfg: SSDConfig, scope: Scope): Backbone {
  return BACKBONES.get(cfg.MODEL.BACKBONE.NAME)(cfg, scope);
}

/** The box predictor cfg.MODEL.BOX_HEAD.PREDICTOR names, built under `scope`. */
export function buildBoxPredictor(cfg: SSDConfig, scope: Scope): BoxPredictor {
  return BOX_PREDICTORS.get(cfg.MODEL.BOX_HEAD.PREDICTOR)(cfg, scope);
}

/** The box head cfg.MODEL.BOX_HEAD.NAME names, built under `scope`. */
export function buildBoxHead(cfg: SSDConfig, scope: Scope): BoxHead {
  return BOX_HEADS.get(cfg.MODEL.BOX_HEAD.NAME)(cfg, scope);
}

/** The detection model cfg.MODEL.META_ARCHITECTURE names (the reference has only `SSDDetector`). */
export function buildDetectionModel(cfg: SSDConfig, options?: SSDDetectorOptions): SSDDetector {
  return META_ARCHITECTURES.get(cfg.MODEL.META_ARCHITECTURE)(cfg, options);
}
