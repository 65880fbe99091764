import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImageFailure } from './shard-jobs';

/**
 * `--path-map FROM=TO`: an image (or checkpoint) path starting with FROM is read from TO instead: a folder, or
 * an http(s) URL.
 */
export interface PathMapping {
  from: string;
  to: string;
}

/** Longest wait for one image over HTTP. */
const FETCH_TIMEOUT_MS = 60_000;
/** Largest image accepted over HTTP (a decoded image is bounded separately by @ssd/image). */
const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Parses one `--path-map FROM=TO`. */
export function parsePathMapping(spec: string): PathMapping {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) {
    throw new Error(
      `--path-map ${spec}: expected FROM=TO (e.g. /data=/mnt/data or /data=http://files:8000/data)`,
    );
  }
  return { from: spec.slice(0, eq), to: spec.slice(eq + 1) };
}

/** Where this worker reads `image` from: the first mapping whose FROM starts it, applied; else unchanged. */
export function mapPath(image: string, mappings: readonly PathMapping[]): string {
  for (const { from, to } of mappings) {
    // A whole-segment prefix: /data maps /data/x.jpg, not /database/x.jpg.
    if (
      !(
        image.startsWith(from) &&
        (from.endsWith('/') || image.length === from.length || image[from.length] === '/')
      )
    ) {
      continue;
    }
    const rest = image.slice(from.length);
    if (!isUrl(to)) return path.join(to, rest);
    // Each path segment escaped (spaces, '#', '?'), the slashes kept.
    const relative = rest.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
    return new URL(relative, to.endsWith('/') ? to : `${to}/`).toString();
  }
  return image;
}

/** A shard's images as local files: mapped paths as they are, URLs downloaded into a temporary folder. */
export interface LocalImages {
  /** Per image, the local file, or null when it could not be had (see `failures`). */
  files: (string | null)[];
  failures: ImageFailure[];
  /** Removes the downloads. */
  cleanup(): Promise<void>;
}

async function download(url: string, file: string): Promise<string | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  // The image is missing or refused: that image fails, not the shard. A server error may pass: retry the shard.
  if (response.status >= 400 && response.status < 500) return `HTTP ${response.status} from ${url}`;
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_IMAGE_BYTES) return `${url} is ${length} bytes, more than ${MAX_IMAGE_BYTES}`;
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_IMAGE_BYTES) return `${url} is more than ${MAX_IMAGE_BYTES} bytes`;
  await writeFile(file, body);
  return undefined;
}

/** Resolves a shard's images through the mappings, downloading those that are URLs. */
export async function localImages(
  images: readonly string[],
  mappings: readonly PathMapping[],
): Promise<LocalImages> {
  const mapped = images.map((image) => mapPath(image, mappings));
  const failures: ImageFailure[] = [];
  if (!mapped.some(isUrl)) return { files: mapped, failures, cleanup: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), 'ssd-shard-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const files = await Promise.all(
      mapped.map(async (source, i) => {
        if (!isUrl(source)) return source;
        const file = path.join(dir, `${i}${path.extname(new URL(source).pathname)}`);
        const problem = await download(source, file);
        if (problem === undefined) return file;
        failures.push({ image: images[i]!, reason: problem });
        return null;
      }),
    );
    return { files, failures, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
