import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cutText } from '@ssd/files';

/** The environment variable that points every download (pretrained weights, model zoo) at a mirror. */
export const MIRROR_ENV = 'SSD_MIRROR';

/** Where a download really comes from: the source URL, or the same file name in a mirror. */
export type DownloadSource =
  | { kind: 'http'; url: string; mirrored: boolean }
  | { kind: 'file'; path: string; mirrored: true };

/** A URL that cannot be downloaded as given (not a URL at all, or not http/https); the message quotes it. */
export class BadUrlError extends Error {
  constructor(url: string, why: string, what = 'URL') {
    super(`'${cutText(url)}' is not a usable ${what}: ${why}`);
    this.name = 'BadUrlError';
  }
}

/** `url` parsed, or a {@link BadUrlError} quoting it (Node's own says only "Invalid URL"). */
export function parseUrl(url: string, what = 'URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadUrlError(url, 'it cannot be parsed', what);
  }
  return parsed;
}

/** The file name a URL is mirrored under (and cached under, after its hash): its last path segment. */
export function urlFileName(url: string): string {
  const { pathname } = parseUrl(url);
  let name = path.posix.basename(pathname);
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not valid percent-encoding: the name as written.
  }
  // A name is a name: no folders, nothing hidden, nothing a file system refuses.
  name = name.replace(/[/\\\0]/g, '_').replace(/^\.+/, '');
  return name.slice(-200) || 'download';
}

/**
 * Where to fetch `url` from: `$SSD_MIRROR/<file name>` when the variable is set (an http(s) base URL or a
 * folder; `file://` URLs count as folders, percent-decoded), else `url` itself.
 */
export function downloadSource(url: string, mirror = process.env[MIRROR_ENV]): DownloadSource {
  const name = urlFileName(url);
  if (!mirror) return { kind: 'http', url, mirrored: false };
  if (/^https?:\/\//i.test(mirror)) {
    parseUrl(mirror, `${MIRROR_ENV} base URL`);
    return { kind: 'http', url: `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(name)}`, mirrored: true };
  }
  let folder = mirror;
  if (/^file:/i.test(mirror)) {
    try {
      folder = fileURLToPath(parseUrl(mirror, `${MIRROR_ENV} file URL`));
    } catch (e) {
      if (e instanceof BadUrlError) throw e;
      throw new BadUrlError(mirror, (e as Error).message, `${MIRROR_ENV} file URL`);
    }
  }
  return { kind: 'file', path: path.resolve(folder, name), mirrored: true };
}
