/** Options of `createDetectionServer`, their defaults and their checks. */
import { availableParallelism } from 'node:os';
import { MAX_IMAGE_PIXELS } from '@ssd/image';

/** How a detection server listens, batches and bounds its work. */
export interface DetectionServerOptions {
  /** Interface to listen on (default 127.0.0.1, this machine only; '0.0.0.0' for every interface). */
  readonly host?: string;
  /** Port (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** Most images per model call (default 8; 1 turns batching off). */
  readonly maxBatch?: number;
  /** How long the oldest waiting image may wait for others before its batch runs anyway (default 5 ms). */
  readonly maxDelayMs?: number;
  /** Requests admitted and not yet in a batch beyond which new ones get 429 (default 64). */
  readonly maxQueue?: number;
  /** A request that has not reached the model this long after it arrived gets 504 (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Largest request body in bytes; more gets 413 (default 20 MiB). */
  readonly bodyLimit?: number;
  /** Most pixels an image may declare; more gets 422 before it is decoded (default 40 Mpx). */
  readonly maxPixels?: number;
  /** Worker threads decoding and resizing images (default: cores − 1, at least 1; 0 does it on the model's thread). */
  readonly prepareThreads?: number;
  /** The model's name in `GET /v1/model` (e.g. the config's). */
  readonly name?: string;
  /** The checkpoint in `GET /v1/model`. */
  readonly checkpoint?: string;
  /** Run one image through the model before `/readyz` says ready (default true: the first call compiles kernels). */
  readonly warmup?: boolean;
  /** Where the server's own lines go (start, drain, internal errors); default console.log. */
  readonly log?: (line: string) => void;
}

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<DetectionServerOptions, 'name' | 'checkpoint'>> &
  Pick<DetectionServerOptions, 'name' | 'checkpoint'>;

export const DEFAULT_BODY_LIMIT = 20 * 1024 * 1024;
export const DEFAULT_MAX_PIXELS = 40_000_000;

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Fills in the defaults and checks every value, naming the option that is wrong. */
export function resolveOptions(options: DetectionServerOptions = {}): ResolvedOptions {
  const maxBatch = integer('maxBatch', options.maxBatch ?? 8, 1, 1024);
  return {
    host: options.host ?? '127.0.0.1',
    port: integer('port', options.port ?? 8080, 0, 65535),
    maxBatch,
    maxDelayMs: integer('maxDelayMs', options.maxDelayMs ?? 5, 0, 60_000),
    maxQueue: integer('maxQueue', options.maxQueue ?? 64, 1),
    requestTimeoutMs: integer('requestTimeoutMs', options.requestTimeoutMs ?? 30_000, 1),
    bodyLimit: integer('bodyLimit', options.bodyLimit ?? DEFAULT_BODY_LIMIT, 1),
    maxPixels: integer('maxPixels', options.maxPixels ?? DEFAULT_MAX_PIXELS, 1, MAX_IMAGE_PIXELS),
    prepareThreads: integer(
      'prepareThreads',
      options.prepareThreads ?? Math.max(1, availableParallelism() - 1),
      0,
      256,
    ),
    name: options.name,
    checkpoint: options.checkpoint,
    warmup: options.warmup ?? true,
    log: options.log ?? ((line) => console.log(line)),
  };
}
