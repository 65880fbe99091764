/**
 * Downloads in a page: fetch with progress, kept in the Cache API (a cache of this origin, so a second visit
 * loads a model without the network) — the browser's counterpart of Node's download cache. A download is only
 * cached once complete.
 */
import { DownloadError } from '../checkpoint/download-error';

/** How far a download is: bytes so far, and the total when the server said it. */
export interface DownloadProgress {
  readonly url: string;
  readonly loaded: number;
  readonly total?: number;
  /** Whether the bytes come from the page's cache rather than the network. */
  readonly cached: boolean;
}

/** Options of `fetchCached`. */
export interface BrowserDownloadOptions {
  /** The Cache API cache downloads are kept in (default 'ssd-ts-checkpoints'); false: no cache. */
  readonly cache?: string | false;
  /** Called as bytes arrive (and once at the end). */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Refuse a download larger than this many bytes (default: none). */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** The Cache API cache checkpoints are kept in by default. */
export const DEFAULT_BROWSER_CACHE = 'ssd-ts-checkpoints';

const MB = 2 ** 20;

/** `url` resolved against the page's address (as fetch resolves it). */
export function absoluteUrl(url: string): string {
  return typeof location === 'undefined' ? url : new URL(url, location.href).href;
}

/** The page's cache `name`, when this page has the Cache API (secure contexts only) and it opens. */
async function openCache(name: string | false | undefined): Promise<Cache | undefined> {
  if (name === false || typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(name ?? DEFAULT_BROWSER_CACHE);
  } catch {
    // Storage may be disabled (private browsing, a sandboxed frame): download without keeping.
    return undefined;
  }
}

/** The body of `response`, read in chunks with progress reports, at most `maxBytes`. */
async function readBody(
  response: Response,
  url: string,
  cached: boolean,
  options: BrowserDownloadOptions,
): Promise<Uint8Array> {
  const header = Number(response.headers.get('content-length'));
  const total = Number.isSafeInteger(header) && header > 0 ? header : undefined;
  const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const tooLarge = (bytes: number) =>
    new DownloadError(`${url} is ${bytes} bytes or more, more than the ${max} allowed for it`);
  if (total !== undefined && total > max) throw tooLarge(total);
  const report = (loaded: number) => options.onProgress?.({ url, loaded, total, cached });
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    report(bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  report(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.length;
    if (loaded > max) {
      await reader.cancel();
      throw tooLarge(loaded);
    }
    chunks.push(value);
    report(loaded);
  }
  if (total !== undefined && loaded !== total) {
    throw new DownloadError(`${url} ended after ${loaded} of its ${total} bytes; the connection broke?`);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * The bytes at `url` (absolute, or relative to the page): from the page's Cache API cache when it holds them,
 * else fetched — reporting progress — and then kept there. Errors say which URL failed and why (a network error
 * is often a server that does not allow this page to read it: CORS).
 */
export async function fetchCached(url: string, options: BrowserDownloadOptions = {}): Promise<Uint8Array> {
  const absolute = absoluteUrl(url);
  const cache = await openCache(options.cache);
  const hit = await cache?.match(absolute);
  if (hit) {
    options.log?.(`Loading ${absolute} from the page's cache.`);
    return readBody(hit, absolute, true, options);
  }
  let response: Response;
  try {
    response = await fetch(absolute, { signal: options.signal });
  } catch (e) {
    throw new DownloadError(
      `cannot download ${absolute}: ${(e as Error).message} (no network, or the server does not let this page read it: CORS)`,
    );
  }
  if (!response.ok) {
    throw new DownloadError(
      `cannot download ${absolute}: HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  const size = Number(response.headers.get('content-length'));
  options.log?.(`Downloading ${absolute}${size > 0 ? ` (${(size / MB).toFixed(1)} MB)` : ''}.`);
  const bytes = await readBody(response, absolute, false, options);
  if (cache) {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) };
    await cache.put(absolute, new Response(bytes as BlobPart, { headers })).catch(() => {
      // A full quota only costs the next visit a download.
    });
  }
  return bytes;
}
