import type { SSDConfig } from '@ssd/config';
import { BACKBONES, BOX_HEADS, BOX_PREDICTORS, META_ARCHITECTURES } from '@ssd/modeling';

/**
 * Checks that every component the config names is registered, before any work starts. The registry's
 * error (it lists the registered names) gets how to load a component from a plug-in package, which
 * only the command line knows: `ssd --require <package>`.
 */
export function checkComponentsRegistered(cfg: Readonly<SSDConfig>): void {
  const named = [
    [META_ARCHITECTURES, cfg.MODEL.META_ARCHITECTURE],
    [BACKBONES, cfg.MODEL.BACKBONE.NAME],
    [BOX_HEADS, cfg.MODEL.BOX_HEAD.NAME],
    [BOX_PREDICTORS, cfg.MODEL.BOX_HEAD.PREDICTOR],
  ] as const;
  for (const [registry, name] of named) {
    try {
      registry.get(name);
    } catch (e) {
      throw new Error(
        `${(e as Error).message}; a ${registry.kind} from a plug-in package must be loaded first: ` +
          'ssd --require <package> <command> …',
      );
    }
  }
}
