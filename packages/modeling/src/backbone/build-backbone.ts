import type { SSDConfig } from '@ssd/config';
import type { Scope } from '../nn/state';
import { BACKBONES } from '../registry/backbones';
import { Backbone } from './backbone';

/**
 * The backbone cfg.MODEL.BACKBONE.NAME names, built under `scope`. Its factory must give a `Backbone` (a
 * topology that the generic forward runs and exporters read), not any object with a `forward`.
 */
export function buildBackbone(cfg: SSDConfig, scope: Scope): Backbone {
  const name = cfg.MODEL.BACKBONE.NAME;
  const backbone: unknown = BACKBONES.get(name)(cfg, scope);
  if (!(backbone instanceof Backbone)) {
    const got = (backbone as object | null)?.constructor?.name ?? String(backbone);
    throw new Error(
      `backbone '${name}' (MODEL.BACKBONE.NAME): its factory returned ${got}, not a Backbone; describe it as ` +
        'layers and taps (new Backbone({ layers, taps, extras }) from @ssd/modeling, or a subclass)',
    );
  }
  return backbone;
}
