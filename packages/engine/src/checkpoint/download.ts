import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputFileError, openInputFile, readInputFile } from '@ssd/files';
import { createProgress, type ProgressOptions } from '../util/progress';
import { writeFileAtomic } from './atomic-write';
import { DownloadError } from './download-error';
import { BadUrlError, type DownloadSource, downloadSource, MIRROR_ENV, urlFileName } from './mirror';

export { DownloadError } from './download-error';

/** Options of `downloadToCache` (and of everything that downloads through it). */
export interface DownloadOptions {
  /** Where downloads are kept; default `$SSD_CACHE_DIR` or `~/.cache/ssd-ts/checkpoints`. */
  cacheDir?: string;
  progress?: ProgressOptions | false;
  log?: (line: string) => void;
  /** Milliseconds to wait for a server's answer (its headers); default 30 000. */
  connectTimeoutMs?: number;
  /**
   * Milliseconds in which a download must bring at least {@link MIN_WINDOW_BYTES}, else it is abandoned as
   * stalled (nothing comes) or trickling (a byte now and then); default 60 000.
   */
  idleTimeoutMs?: number;
}

/** The bytes each idle window must bring: 64 KiB (about 1 KiB/s over the default minute). */
export const MIN_WINDOW_BYTES = 64 * 1024;

/** The largest download when neither the caller nor the server says its size: every published checkpoint is far smaller. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 2 ** 30;

/** `.partial` files nobody has written to for this long are abandoned, whoever started them. */
const STALE_PARTIAL_MS = 24 * 3600 * 1000;

/** The default folder for downloaded checkpoints and weights. */
export function defaultCacheDir(): string {
  return process.env.SSD_CACHE_DIR || path.join(homedir(), '.cache', 'ssd-ts', 'checkpoints');
}

/** The `<hex>` of a `name-<hex>.ext` file name, as PyTorch hub names checkpoints (8+ hex digits). */
export function hashPrefixOf(fileName: string): string | undefined {
  return /-([0-9a-f]{8,64})\.[^.]+$/i.exec(fileName)?.[1]?.toLowerCase();
}

/**
 * The cache's name for `url`: a hash of the whole URL, then the URL's file name (which keeps its extension,
 * so the format is still known by it). Two URLs ending in the same file name never share a cache entry.
 */
export function cacheFileName(url: string): string {
  return `${createHash('sha256').update(url).digest('hex').slice(0, 16)}-${urlFileName(url)}`;
}

/** What the cache records beside each file at its first download, checked on every later use. */
interface CacheRecord {
  url: string;
  sha256: string;
  bytes: number;
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

/** Whether process `pid` exists here (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the `.partial` files of downloads that were killed (their process is gone) or abandoned (untouched
 * for a day) from the cache folder; returns their names.
 */
export function removeAbandonedDownloads(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = /\.(\d+)\.partial$/.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    try {
      const idle = Date.now() - statSync(file).mtimeMs;
      if (Number(match[1]) !== process.pid && (!isRunning(Number(match[1])) || idle > STALE_PARTIAL_MS)) {
        rmSync(file, { force: true });
        removed.push(name);
      }
    } catch {
      // Removed meanwhile by another process: nothing to do.
    }
  }
  return removed;
}

/** The sha256 of a file, streamed. */
async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** The record beside a cached file, if it is there and readable. */
function readRecord(file: string): CacheRecord | undefined {
  try {
    const record = JSON.parse(readInputFile(`${file}.json`, { maxBytes: 64 * 1024 }).toString('utf8'));
    if (typeof record?.sha256 === 'string' && typeof record.url === 'string') return record as CacheRecord;
  } catch {
    // Missing or damaged: the file is downloaded again.
  }
  return undefined;
}

/**
 * Whether the cached `file` for `url` is there and still what was downloaded (its sha256 as recorded at the
 * first download): false when it must be downloaded (again); a changed file is an error naming it.
 */
async function verifiedCacheHit(file: string, url: string, log: (line: string) => void): Promise<boolean> {
  let exists = false;
  try {
    exists = statSync(file).isFile();
  } catch {
    return false;
  }
  const record = exists ? readRecord(file) : undefined;
  if (!record || record.url !== url) {
    log(`${file} has no record of its download from ${url}: downloading it again`);
    return false;
  }
  const digest = await sha256Of(file);
  if (digest !== record.sha256) {
    throw new DownloadError(
      `${file} has changed since it was downloaded from ${url} (sha256 ${record.sha256} then, ${digest} now); delete it to download it again`,
    );
  }
  return true;
}

/** Limits of one transfer. */
interface TransferLimits {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxBytes: number;
}

/** An open source: its bytes, its stated size (0 when unknown), and a way to stop it. */
interface OpenSource {
  body: AsyncIterable<Uint8Array>;
  total: number;
  abort(reason: string): void;
  /** Why it was aborted, once it was. */
  aborted(): string | undefined;
}

async function openSource(
  source: DownloadSource,
  limits: TransferLimits,
  fail: (why: string) => never,
): Promise<OpenSource> {
  if (source.kind === 'file') {
    let opened: { fd: number; size: number };
    try {
      opened = openInputFile(source.path, { maxBytes: limits.maxBytes, what: 'download' });
    } catch (e) {
      return fail(e instanceof InputFileError ? `${e.file} ${e.reason}` : (e as Error).message);
    }
    const body = createReadStream('', { fd: opened.fd });
    let why: string | undefined;
    return {
      body,
      total: opened.size,
      abort: (reason) => {
        why = reason;
        body.destroy(new Error(reason));
      },
      aborted: () => why,
    };
  }
  const controller = new AbortController();
  let why: string | undefined;
  const abort = (reason: string) => {
    why ??= reason;
    controller.abort(new Error(reason));
  };
  const timer = setTimeout(
    () => abort(`no answer within ${limits.connectTimeoutMs / 1000} s`),
    limits.connectTimeoutMs,
  );
  let response: Response;
  try {
    response = await fetch(source.url, { signal: controller.signal });
  } catch (e) {
    return fail(`${source.url} is unreachable: ${why ?? describeCause(e)}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) {
    void response.body?.cancel();
    fail(`${source.url} answered HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get('content-length')) || 0;
  if (total > limits.maxBytes) {
    void response.body!.cancel();
    fail(`${source.url} is ${total} bytes, more than the ${limits.maxBytes} allowed`);
  }
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  return { body, total, abort, aborted: () => why };
}

/**
 * A local copy of `url`, downloaded once into the cache (or copied from `$SSD_MIRROR`) with a progress bar.
 * The cache file is named by a hash of the whole URL (then its file name); the download goes to a `.partial`
 * file (those of killed downloads are removed at the next start) and is renamed only once complete and
 * hash-checked: the `-<sha256 prefix>` of a PyTorch hub file name, or `sha256` when given. Its sha256 is
 * recorded beside it and checked on every later use. A server that does not answer within the connect
 * timeout, or brings less than {@link MIN_WINDOW_BYTES} in an idle window, is given up on; so is a download
 * past `maxBytes` (default: its Content-Length, else {@link DEFAULT_MAX_DOWNLOAD_BYTES}). A mirror entry must be
 * a regular file. Failures are `DownloadError`s naming the file, the URL and `$SSD_MIRROR`.
 */
export async function downloadToCache(
  url: string,
  options: DownloadOptions & { sha256?: string; maxBytes?: number } = {},
): Promise<string> {
  let name: string;
  let cacheName: string;
  let source: DownloadSource;
  try {
    name = urlFileName(url);
    cacheName = cacheFileName(url);
    source = downloadSource(url);
  } catch (e) {
    if (e instanceof BadUrlError) throw new DownloadError(`cannot download: ${e.message}`);
    throw e;
  }
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = options.cacheDir ?? defaultCacheDir();
  const file = path.join(dir, cacheName);
  const removed = removeAbandonedDownloads(dir);
  if (removed.length)
    log(`Removed ${removed.length} unfinished download(s) of killed runs: ${removed.join(', ')}`);
  if (await verifiedCacheHit(file, url, log)) return file;
  const from = source.kind === 'file' ? source.path : source.url;
  const fail = (why: string): never => {
    throw new DownloadError(`cannot download ${name}: ${why}; ${mirrorHint(name, url, source)}`);
  };
  const limits: TransferLimits = {
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
  };
  const opened = await openSource(source, limits, fail);
  const { body, total } = opened;
  const cap = Math.min(limits.maxBytes, total || Number.POSITIVE_INFINITY);
  mkdirSync(dir, { recursive: true });
  log(`Downloading ${from} to ${file}`);
  const progress =
    options.progress === false ? undefined : createProgress(`download ${name}`, total || 1, options.progress);
  const tmp = `${file}.${process.pid}.partial`;
  const hash = createHash('sha256');
  let received = 0;
  let atWindowStart = 0;
  const watchdog = setInterval(() => {
    const brought = received - atWindowStart;
    atWindowStart = received;
    if (brought < MIN_WINDOW_BYTES) {
      opened.abort(
        `${from} sent ${brought} bytes in the last ${limits.idleTimeoutMs / 1000} s (stalled; at least ${MIN_WINDOW_BYTES} are needed)`,
      );
    }
  }, limits.idleTimeoutMs);
  try {
    try {
      await pipeline(
        (async function* () {
          for await (const chunk of body) {
            received += chunk.byteLength;
            if (received > cap) {
              opened.abort(
                total
                  ? `${from} sent more than the ${total} bytes it announced`
                  : `${from} sent more than the ${limits.maxBytes} bytes allowed`,
              );
              throw new Error(opened.aborted());
            }
            hash.update(chunk);
            progress?.update(total ? received : 0, `${(received / 2 ** 20).toFixed(1)} MiB`);
            yield chunk;
          }
        })(),
        createWriteStream(tmp),
      );
    } catch (e) {
      fail(opened.aborted() ?? `reading ${from} failed after ${received} bytes: ${describeCause(e)}`);
    }
    if (total && received !== total) fail(`got ${received} of ${total} bytes from ${from}`);
    const digest = hash.digest('hex');
    const expected = options.sha256?.toLowerCase() ?? hashPrefixOf(name);
    if (expected && !digest.startsWith(expected)) {
      throw new DownloadError(
        `${name} from ${from} failed its hash check: sha256 ${digest} does not start with ${expected}`,
      );
    }
    // The record first: a file in the cache always has one (a record alone is overwritten next time).
    const record: CacheRecord = { url, sha256: digest, bytes: received };
    writeFileAtomic(`${file}.json`, `${JSON.stringify(record)}\n`);
    renameSync(tmp, file);
  } finally {
    clearInterval(watchdog);
    rmSync(tmp, { force: true });
    progress?.stop();
  }
  return file;
}
