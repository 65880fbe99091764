import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createProgress, type ProgressOptions } from '../util/progress';
import { DownloadError } from './download-error';
import { type DownloadSource, downloadSource, MIRROR_ENV, urlFileName } from './mirror';

export { DownloadError } from './download-error';

/** Options of `downloadToCache` (and of everything that downloads through it). */
export interface DownloadOptions {
  /** Where downloads are kept; default `$SSD_CACHE_DIR` or `~/.cache/ssd-ts/checkpoints`. */
  cacheDir?: string;
  progress?: ProgressOptions | false;
  log?: (line: string) => void;
}

/** The default folder for downloaded checkpoints and weights. */
export function defaultCacheDir(): string {
  return process.env.SSD_CACHE_DIR || path.join(homedir(), '.cache', 'ssd-ts', 'checkpoints');
}

/** The `<hex>` of a `name-<hex>.ext` file name, as PyTorch hub names checkpoints (8+ hex digits). */
export function hashPrefixOf(fileName: string): string | undefined {
  return /-([0-9a-f]{8,64})\.[^.]+$/i.exec(fileName)?.[1]?.toLowerCase();
}

function describeCause(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message ?? String(e)} (${cause})` : (err.message ?? String(e));
}

/** The hint appended to every failed download: how to work without network. */
function mirrorHint(name: string, url: string, source: DownloadSource): string {
  if (source.mirrored) {
    return `${MIRROR_ENV} is set to '${process.env[MIRROR_ENV]}': put ${name} there (it is ${url}), or unset ${MIRROR_ENV}`;
  }
  return `without network access, download ${url} elsewhere, put it in a folder (or on a local web server) and set ${MIRROR_ENV}=<that folder or base URL>`;
}

async function openSource(
  source: DownloadSource,
  fail: (why: string) => never,
): Promise<{ body: AsyncIterable<Uint8Array>; total: number }> {
  if (source.kind === 'file') {
    if (!existsSync(source.path)) fail(`${source.path} does not exist`);
    return { body: createReadStream(source.path), total: statSync(source.path).size };
  }
  let response: Response;
  try {
    response = await fetch(source.url);
  } catch (e) {
    return fail(`${source.url} is unreachable: ${describeCause(e)}`);
  }
  if (!response.ok || !response.body)
    fail(`${source.url} answered HTTP ${response.status} ${response.statusText}`);
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  return { body, total: Number(response.headers.get('content-length')) || 0 };
}

/**
 * A local copy of `url`, downloaded once into the cache (or copied from `$SSD_MIRROR`) with a progress bar,
 * written to a temporary file and renamed only once complete and hash-checked: the `-<sha256 prefix>` of a
 * PyTorch hub file name, or `sha256` when given. Failures are `DownloadError`s naming the file, the URL and
 * `$SSD_MIRROR`.
 */
export async function downloadToCache(
  url: string,
  options: DownloadOptions & { sha256?: string } = {},
): Promise<string> {
  const name = urlFileName(url);
  const dir = options.cacheDir ?? defaultCacheDir();
  const file = path.join(dir, name);
  if (existsSync(file)) return file;
  const source = downloadSource(url);
  const from = source.kind === 'file' ? source.path : source.url;
  const fail = (why: string): never => {
    throw new DownloadError(`cannot download ${name}: ${why}; ${mirrorHint(name, url, source)}`);
  };
  const { body, total } = await openSource(source, fail);
  mkdirSync(dir, { recursive: true });
  (options.log ?? console.log)(`Downloading ${from} to ${file}`);
  const progress =
    options.progress === false ? undefined : createProgress(`download ${name}`, total || 1, options.progress);
  const tmp = `${file}.${process.pid}.partial`;
  const hash = createHash('sha256');
  let received = 0;
  try {
    try {
      await pipeline(
        (async function* () {
          for await (const chunk of body) {
            received += chunk.byteLength;
            hash.update(chunk);
            progress?.update(total ? received : 0, `${(received / 2 ** 20).toFixed(1)} MiB`);
            yield chunk;
          }
        })(),
        createWriteStream(tmp),
      );
    } catch (e) {
      fail(`reading ${from} failed after ${received} bytes: ${describeCause(e)}`);
    }
    if (total && received !== total) fail(`got ${received} of ${total} bytes from ${from}`);
    const digest = hash.digest('hex');
    const expected = options.sha256?.toLowerCase() ?? hashPrefixOf(name);
    if (expected && !digest.startsWith(expected)) {
      throw new DownloadError(
        `${name} from ${from} failed its hash check: sha256 ${digest} does not start with ${expected}`,
      );
    }
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
    progress?.stop();
  }
  return file;
}
