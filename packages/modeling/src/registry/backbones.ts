/** The backbone registry (a leaf: it knows the backbone contract, not the backbones). */
import { Registry, type SSDConfig } from '@ssd/config';
import type { Backbone } from '../backbone/backbone';
import type { Scope } from '../nn/state';

/** Builds a backbone whose tensors are named under `scope` (the detector passes `backbone`). */
export type BackboneFactory = (cfg: SSDConfig, scope: Scope) => Backbone;

/** Backbones by MODEL.BACKBONE.NAME. */
export const BACKBONES = new Registry<BackboneFactory>('backbone', 'MODEL.BACKBONE.NAME');
