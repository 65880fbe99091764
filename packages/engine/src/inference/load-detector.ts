import type { SSDConfig } from '@ssd/config';
import { buildDetectionModel, type SSDDetector } from '@ssd/modeling';
import { initBackend } from '../backend/select';
import { resolveCheckpoint } from '../checkpoint/resolve';
import { loadWeights } from '../checkpoint/weights';

/** A detector ready to run and the checkpoint file its weights came from. */
export interface LoadedDetector {
  model: SSDDetector;
  file: string;
}

/**
 * Selects MODEL.DEVICE's backend, builds the model `cfg` describes and loads `ckpt` into it (a path, `.pth` or
 * ours, a URL or a model zoo name): what every command that runs a trained detector starts with.
 */
export async function loadDetector(
  cfg: SSDConfig,
  ckpt: string,
  log: (line: string) => void = (l) => console.log(l),
): Promise<LoadedDetector> {
  await initBackend(cfg.MODEL.DEVICE, log);
  const file = await resolveCheckpoint(ckpt, { log });
  const model = buildDetectionModel(cfg);
  try {
    loadWeights(model, file);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, file };
}
