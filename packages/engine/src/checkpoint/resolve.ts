import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createProgress, type ProgressOptions } from '../util/progress';

/** Options of `resolveCheckpoint`. */
export interface ResolveCheckpointOptions {
  /** Where downloads are kept; default `$SSD_CACHE_DIR` or `~/.cache/ssd-ts/checkpoints`. */
  cacheDir?: string;
  progress?: ProgressOptions | false;
  log?: (line: string) => void;
}

/** The default folder for downloaded checkpoints. */
export function defaultCacheDir(): string {
  return process.env.SSD_CACHE_DIR || path.join(homedir(), '.cache', 'ssd-ts', 'checkpoints');
}

/** The `<hex>` of a `name-<hex>.ext` file name, as PyTorch hub names checkpoints (8+ hex digits). */
export function hashPrefixOf(fileName: string): string | undefined {
  return /-([0-9a-f]{8,64})\.[^.]+$/i.exec(fileName)?.[1]?.toLowerCase();
}

function checkHash(file: string, prefix: string | undefined, source: string): void {
  if (!prefix) return;
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (!digest.startsWith(prefix)) {
    throw new Error(
      `checkpoint ${source} failed its hash check: sha256 ${digest} does not start with ${prefix}`,
    );
  }
}

/**
 * A local path for `--ckpt`: a path is checked and returned; an http(s) URL is downloaded once into the
 * cache (with a progress bar), and a `-<sha256 prefix>` in its file name is verified as PyTorch hub does.
 */
export async function resolveCheckpoint(
  ckpt: string,
  options: ResolveCheckpointOptions = {},
): Promise<string> {
  if (!/^https?:\/\//i.test(ckpt)) {
    if (!existsSync(ckpt)) throw new Error(`checkpoint file not found: ${ckpt}`);
    return ckpt;
  }
  const url = new URL(ckpt);
  const name = path.basename(url.pathname) || 'checkpoint';
  const dir = options.cacheDir ?? defaultCacheDir();
  const file = path.join(dir, name);
  const prefix = hashPrefixOf(name);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  (options.log ?? console.log)(`Downloading ${ckpt} to ${file}`);
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new Error(`cannot download checkpoint ${ckpt}: HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get('content-length')) || 0;
  const progress =
    options.progress === false ? undefined : createProgress(`download ${name}`, total || 1, options.progress);
  const tmp = `${file}.${process.pid}.partial`;
  let received = 0;
  try {
    const body = response.body as unknown as AsyncIterable<Uint8Array>;
    await pipeline(
      (async function* () {
        for await (const chunk of body) {
          received += chunk.byteLength;
          progress?.update(total ? received : 0, `${(received / 2 ** 20).toFixed(1)} MiB`);
          yield chunk;
        }
      })(),
      createWriteStream(tmp),
    );
    if (total && received !== total)
      throw new Error(`cannot download checkpoint ${ckpt}: got ${received} of ${total} bytes`);
    checkHash(tmp, prefix, ckpt);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    progress?.stop();
  }
  return file;
}
