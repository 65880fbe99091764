import { existsSync } from 'node:fs';
import { type DownloadOptions, downloadToCache } from './download';
import { findZooModel, MODEL_ZOO, zooDownloadLimit } from './model-zoo';

/** Options of `resolveCheckpoint`. */
export type ResolveCheckpointOptions = DownloadOptions;

/**
 * A local path for `--ckpt`: an existing path is returned as is; a model zoo name (`vgg_ssd300_voc0712`,
 * see `ssd models`) or an http(s) URL is downloaded once into the cache (see `downloadToCache`; the cache is
 * keyed by the whole URL, so a zoo name only ever gives the file of its own entry, at most a quarter larger
 * than its published size).
 */
export async function resolveCheckpoint(
  ckpt: string,
  options: ResolveCheckpointOptions = {},
): Promise<string> {
  if (/^https?:\/\//i.test(ckpt)) return downloadToCache(ckpt, options);
  if (existsSync(ckpt)) return ckpt;
  const zoo = findZooModel(ckpt);
  if (zoo) return downloadToCache(zoo.url, { maxBytes: zooDownloadLimit(zoo), ...options });
  throw new Error(
    `checkpoint file not found: ${ckpt} (not a file, an http(s) URL, nor a model zoo name: ${MODEL_ZOO.map((m) => m.name).join(', ')})`,
  );
}
