/** The box head and box predictor registries (leaves: they know the contracts, not the components). */
import { Registry, type SSDConfig } from '@ssd/config';
import type { BoxHead, BoxPredictor } from '../head/types';
import type { Scope } from '../nn/state';

/** Builds a box predictor under `scope` (the box head passes `box_head.predictor`). */
export type BoxPredictorFactory = (cfg: SSDConfig, scope: Scope) => BoxPredictor;
/** Builds a box head under `scope` (the detector passes `box_head`). */
export type BoxHeadFactory = (cfg: SSDConfig, scope: Scope) => BoxHead;

/** Box heads by MODEL.BOX_HEAD.NAME. */
export const BOX_HEADS = new Registry<BoxHeadFactory>('box head', 'MODEL.BOX_HEAD.NAME');
/** Box predictors by MODEL.BOX_HEAD.PREDICTOR. */
export const BOX_PREDICTORS = new Registry<BoxPredictorFactory>('box predictor', 'MODEL.BOX_HEAD.PREDICTOR');
