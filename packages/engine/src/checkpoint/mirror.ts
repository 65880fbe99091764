import path from 'node:path';

/** The environment variable that points every download (pretrained weights, model zoo) at a mirror. */
export const MIRROR_ENV = 'SSD_MIRROR';

/** Where a download really comes from: the source URL, or the same file name in a mirror. */
export type DownloadSource =
  | { kind: 'http'; url: string; mirrored: boolean }
  | { kind: 'file'; path: string; mirrored: true };

/** The file name a URL is cached and mirrored under: its last path segment. */
export function urlFileName(url: string): string {
  return path.posix.basename(new URL(url).pathname) || 'download';
}

/**
 * Where to fetch `url` from: `$SSD_MIRROR/<file name>` when the variable is set (an http(s) base URL or a
 * folder; `file://` URLs count as folders), else `url` itself.
 */
export function downloadSource(url: string, mirror = process.env[MIRROR_ENV]): DownloadSource {
  const name = urlFileName(url);
  if (!mirror) return { kind: 'http', url, mirrored: false };
  if (/^https?:\/\//i.test(mirror)) {
    return { kind: 'http', url: `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(name)}`, mirrored: true };
  }
  const folder = mirror.startsWith('file://') ? new URL(mirror).pathname : mirror;
  return { kind: 'file', path: path.resolve(folder, name), mirrored: true };
}
