import { existsSync } from 'node:fs';
import { type DownloadOptions, downloadToCache } from './download';
import { findZooModel, MODEL_ZOO } from './model-zoo';

/** Options of `resolveCheckpoint`. */
export type ResolveCheckpointOptions = DownloadOptions;

/**
 * A local path for `--ckpt`: an existing path is returned as is; a model zoo name (`vgg_ssd300_voc0712`,
 * see `ssd models`) or an http(s) URL is downloaded once into the cache (see `downloadToCache`).
 */
export async function resolveCheckpoint(
  ckpt: string,
  options: ResolveCheckpointOptions = {},
): Promise<string> {
  if (/^https?:\/\//i.test(ckpt)) return downloadToCache(ckpt, options);
  if (existsSync(ckpt)) return ckpt;
  const zoo = findZooModel(ckpt);
  if (zoo) return downloadToCache(zoo.url, options);
  throw new Error(
    `checkpoint file not found: ${ckpt} (not a file, an http(s) URL, nor a model zoo name: ${MODEL_ZOO.map((m) => m.name).join(', ')})`,
  );
}
