/**
 * Importing this package registers its toy backbone as `toy_backbone`, after which any config with
 * MODEL.BACKBONE.NAME toy_backbone builds it; it also writes throw-away training projects for tests.
 */
import { BACKBONES } from '@ssd/modeling';
import { TOY_BACKBONE, ToyBackbone } from './toy-backbone';

BACKBONES.register(TOY_BACKBONE, (cfg, scope) => new ToyBackbone(scope, cfg.MODEL.BACKBONE.OUT_CHANNELS));

export { TOY_BACKBONE, ToyBackbone } from './toy-backbone';
export { type ToyProject, toyConfig, writeToyProject } from './toy-project';
