import type { SSDConfig } from '@ssd/config';
import type { Scope } from '../nn/state';
import { BOX_HEADS, BOX_PREDICTORS } from '../registry/heads';
import type { BoxHead, BoxPredictor } from './types';

/** The box predictor cfg.MODEL.BOX_HEAD.PREDICTOR names, built under `scope`. */
export function buildBoxPredictor(cfg: SSDConfig, scope: Scope): BoxPredictor {
  return BOX_PREDICTORS.get(cfg.MODEL.BOX_HEAD.PREDICTOR)(cfg, scope);
}

/** The box head cfg.MODEL.BOX_HEAD.NAME names, built under `scope`. */
export function buildBoxHead(cfg: SSDConfig, scope: Scope): BoxHead {
  return BOX_HEADS.get(cfg.MODEL.BOX_HEAD.NAME)(cfg, scope);
}
