/** The registry of backbones' ImageNet weights (a leaf). */
import { Registry } from '@ssd/config';
import type { PretrainedSource } from '../pretrained/source';

/**
 * ImageNet weights by MODEL.BACKBONE.NAME, for MODEL.BACKBONE.PRETRAINED: each built-in backbone has the
 * reference's source; a plug-in backbone registers its own (or has none, and says so when PRETRAINED is set).
 */
export const PRETRAINED_SOURCES = new Registry<PretrainedSource>('pretrained weights', 'MODEL.BACKBONE.NAME');
