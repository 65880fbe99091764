import { existsSync } from 'node:fs';
import type { SSDConfig } from '@ssd/config';
import {
  loadPretrainedBackbone,
  PRETRAINED_SOURCES,
  type PretrainedLoad,
  type PretrainedSource,
  type SSDDetector,
} from '@ssd/modeling';
import { type DownloadOptions, downloadToCache } from './download';
import { readTorchCheckpoint } from './torch';

/** Where a plug-in backbone's MODEL.BACKBONE.WEIGHTS go when it registers no source: the whole backbone, by name. */
const PLUGIN_DEFAULT: Omit<PretrainedSource, 'url'> = {
  description: 'MODEL.BACKBONE.WEIGHTS',
  under: 'backbone.',
  strict: false,
};

/** What `MODEL.BACKBONE.PRETRAINED` asks for under `cfg`: a file or URL and how to load it, or why nothing. */
export function pretrainedPlan(
  cfg: SSDConfig,
): { location: string; source: PretrainedSource } | { reason: string } {
  const { NAME, PRETRAINED, WEIGHTS } = cfg.MODEL.BACKBONE;
  if (!PRETRAINED) return { reason: 'MODEL.BACKBONE.PRETRAINED is False' };
  const known = PRETRAINED_SOURCES.has(NAME) ? PRETRAINED_SOURCES.get(NAME) : undefined;
  if (WEIGHTS) return { location: WEIGHTS, source: { ...(known ?? PLUGIN_DEFAULT), url: WEIGHTS } };
  if (known) return { location: known.url, source: known };
  return {
    reason:
      `backbone '${NAME}' has no known ImageNet weights (its package can register them in PRETRAINED_SOURCES, ` +
      'or set MODEL.BACKBONE.WEIGHTS to a file or URL)',
  };
}

/**
 * Applies MODEL.BACKBONE.PRETRAINED to a freshly built model, as the reference's backbone builders do: downloads
 * the backbone's ImageNet weights (the reference's source, or MODEL.BACKBONE.WEIGHTS) through the cache and
 * `$SSD_MIRROR`, and loads them with the reference's rules. Logs which weights were loaded, or why none were.
 * For training from scratch only: a resumed run or a checkpoint replaces these weights anyway.
 */
export async function initBackboneFromPretrained(
  model: SSDDetector,
  cfg: SSDConfig,
  options: DownloadOptions = {},
): Promise<PretrainedLoad | undefined> {
  const log = options.log ?? ((l: string) => console.log(l));
  const plan = pretrainedPlan(cfg);
  if ('reason' in plan) {
    log(`No pretrained backbone weights: ${plan.reason}; the backbone starts from random initial weights`);
    return undefined;
  }
  const { location, source } = plan;
  let file: string;
  if (/^https?:\/\//i.test(location)) file = await downloadToCache(location, { ...options, log });
  else if (existsSync(location)) file = location;
  else throw new Error(`MODEL.BACKBONE.WEIGHTS: file not found: ${location}`);
  const result = loadPretrainedBackbone(model, readTorchCheckpoint(file).stateDict, source, file);
  if (result.loaded.length === 0) {
    throw new Error(
      `${file}: none of its tensors match backbone '${cfg.MODEL.BACKBONE.NAME}' by name ` +
        `(its keys look like ${result.unexpected.slice(0, 3).join(', ')}); is it the right file for this backbone?`,
    );
  }
  log(
    `Loaded pretrained weights for backbone '${cfg.MODEL.BACKBONE.NAME}' (${source.description}) from ${file}: ${result.summary}`,
  );
  return result;
}
