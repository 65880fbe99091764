/**
 * The detection server: Fastify routes over a Predictor, with requests prepared (decoded, resized) in worker
 * threads and run through the model in dynamic batches.
 */
import type { DetectorRuntime, ImageResult, Predictor, PreparedImage } from '@ssd/engine';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DynamicBatcher } from './batcher';
import { ServeError, toServeError } from './errors';
import { createMetrics, type ServerMetrics } from './metrics';
import { type DetectionServerOptions, type ResolvedOptions, resolveOptions } from './options';
import { PreparePool } from './prepare-pool';
import { detectResponseSchema } from './schemas';

/**
 * Content types `POST /v1/detect` takes. What the bytes are decides how they are decoded: JPEG, PNG or WebP
 * (@ssd/image's decoder reads nothing else), whatever the header says.
 */
export const IMAGE_CONTENT_TYPES = [
  'image/jpeg',
  'image/jpg',
  'image/png',
  'image/webp',
  'application/octet-stream',
];

/** `POST /v1/detect`'s answer. */
export interface DetectResponse {
  width: number;
  height: number;
  objects: ImageResult['objects'];
  timings: {
    /** From arrival to the start of its batch: decoding and waiting. */
    queueMs: number;
    /** Its batch's model call (shared by the batch's images). */
    inferenceMs: number;
  };
}

/** `GET /v1/model`'s answer. */
export interface ModelInfo {
  name: string | null;
  checkpoint: string | null;
  classes: readonly string[];
  inputSize: number;
  runtime: DetectorRuntime;
  batching: { maxBatch: number; maxDelayMs: number; maxQueue: number };
}

/** How a drain ended. */
export interface DrainResult {
  /** Every admitted request got its detections (false: the drain timeout cut some off with 503). */
  readonly complete: boolean;
}

/** A detection server made by `createDetectionServer`: `listen()`, then `drain()` (or `close()`) to stop. */
export interface DetectionServer {
  /** The Fastify instance (for `inject` in tests, or more routes before `listen`). */
  readonly app: FastifyInstance;
  readonly options: ResolvedOptions;
  /** True once warmed up, until a drain starts: what `/readyz` says. */
  readonly ready: boolean;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:8080`). */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: `/readyz` turns 503, no new connections are taken, new requests on open ones get 503, every
   * admitted request is answered; then the server and its workers stop. After `timeoutMs` requests that have not
   * reached the model get 503 and connections are closed.
   */
  drain(timeoutMs?: number): Promise<DrainResult>;
  /** Stops now: a drain with no time for waiting requests (503). */
  close(): Promise<DrainResult>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived. */
    arrivedAt: number;
  }
}

/** The request's `score_threshold` (default 0: every detection post-processing keeps); a 400 for anything else. */
function scoreThreshold(query: unknown): number {
  const params = (query ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (key !== 'score_threshold') {
      throw new ServeError(
        'bad_request',
        `unknown query parameter '${key}' (POST /v1/detect takes score_threshold)`,
      );
    }
  }
  const raw = params.score_threshold;
  if (raw === undefined) return 0;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new ServeError('bad_request', `score_threshold must be a number in [0, 1], got '${String(raw)}'`);
  }
  return value;
}

class Server implements DetectionServer {
  readonly app: FastifyInstance;
  private readonly metrics: ServerMetrics;
  private readonly pool: PreparePool;
  private readonly batcher: DynamicBatcher<PreparedImage, ImageResult>;
  private readonly warm: Promise<void>;
  private startWarmup!: () => void;
  private warmedUp = false;
  private draining: Promise<DrainResult> | undefined;

  constructor(
    private readonly predictor: Predictor,
    readonly options: ResolvedOptions,
  ) {
    const cfg = predictor.cfg;
    this.pool = new PreparePool(options.prepareThreads, {
      maxPixels: options.maxPixels,
      input: cfg.INPUT,
    });
    this.warm = new Promise<void>((resolve) => {
      this.startWarmup = resolve;
    }).then(() => this.warmup());
    this.batcher = new DynamicBatcher(
      async (images) => {
        await this.warm;
        return this.predictor.detectPrepared(images);
      },
      {
        maxBatch: options.maxBatch,
        maxDelayMs: options.maxDelayMs,
        maxQueue: options.maxQueue,
        timeoutMs: options.requestTimeoutMs,
      },
      ({ size, ms }) => {
        this.metrics.batchSize.observe(size);
        this.metrics.inference.observe(ms / 1000);
      },
    );
    this.metrics = createMetrics(options.maxBatch, () => this.batcher.depth);
    this.app = this.routes();
  }

  get ready(): boolean {
    return this.warmedUp && !this.draining;
  }

  /** One blank image through the model: the first call compiles kernels (minutes on a software GPU). */
  private async warmup(): Promise<void> {
    if (this.options.warmup) {
      const size = this.predictor.cfg.INPUT.IMAGE_SIZE;
      const start = performance.now();
      await this.predictor.detectPrepared([
        { input: new Float32Array(size * size * 3), width: size, height: size },
      ]);
      this.options.log(`Warmed up in ${Math.round(performance.now() - start)} ms.`);
    }
    this.warmedUp = true;
  }

  private routes(): FastifyInstance {
    const { options, metrics } = this;
    const app = Fastify({
      bodyLimit: options.bodyLimit,
      // Draining answers in our own error format (the onRequest hook below), not Fastify's.
      return503OnClosing: false,
      forceCloseConnections: 'idle',
    });
    app.decorateRequest('arrivedAt', 0);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(IMAGE_CONTENT_TYPES, { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );

    app.addHook('onRequest', async (request) => {
      request.arrivedAt = performance.now();
      if (this.draining && request.url.startsWith('/v1/detect')) {
        throw new ServeError('draining', 'the server is shutting down; send the request to another replica');
      }
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      // Ends keep-alive connections while draining, so that the drain finishes.
      if (this.draining) reply.header('connection', 'close');
      return payload;
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? '(unmatched)';
      metrics.requests.inc({ route, status: reply.statusCode });
      if (route === '/v1/detect') {
        metrics.latency.observe({ status: reply.statusCode }, (performance.now() - request.arrivedAt) / 1000);
      }
    });
    app.setErrorHandler((e, request, reply) => {
      const err = toServeError(e, {
        contentType: request.headers['content-type'],
        bodyLimit: options.bodyLimit,
        contentTypes: IMAGE_CONTENT_TYPES,
      });
      if (err.code === 'internal') options.log(`internal error: ${(e as Error).stack ?? e}`);
      return reply.code(err.status).headers(err.headers).send(err.body());
    });
    app.setNotFoundHandler((request, reply) => {
      const err = new ServeError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
      return reply.code(err.status).send(err.body());
    });

    app.post('/v1/detect', { schema: { response: { 200: detectResponseSchema } } }, (request, reply) =>
      this.detect(request, reply),
    );
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply: FastifyReply) => {
      if (this.ready) return { status: 'ready' };
      const why = this.draining ? 'draining' : 'warming up';
      return reply.code(503).send({ status: why });
    });
    app.get('/metrics', async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    app.get('/v1/model', async (): Promise<ModelInfo> => this.modelInfo());
    return app;
  }

  private async detect(request: FastifyRequest, reply: FastifyReply): Promise<DetectResponse> {
    const threshold = scoreThreshold(request.query);
    const body = request.body;
    if (!(body instanceof Uint8Array) || body.length === 0) {
      throw new ServeError('undecodable_image', "the body is empty: send the image's bytes");
    }
    const ticket = this.batcher.reserve();
    // A client that hangs up before its batch starts gives its place back (a batch under way finishes).
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return;
      ticket.fail(new ServeError('client_closed', 'the client closed the connection before the answer'));
      // No answer goes out, so onResponse does not run: count it here, as nginx's 499.
      this.metrics.requests.inc({ route: '/v1/detect', status: 499 });
    });
    this.pool.prepare(body).then(
      (image) => ticket.submit(image),
      (e: unknown) => ticket.fail(e as Error),
    );
    const { output, startedAt, ms } = await ticket.result;
    return {
      width: output.width,
      height: output.height,
      objects: threshold > 0 ? output.objects.filter((o) => o.score >= threshold) : output.objects,
      timings: { queueMs: startedAt - request.arrivedAt, inferenceMs: ms },
    };
  }

  private modelInfo(): ModelInfo {
    const { cfg, classNames, runtime } = this.predictor;
    return {
      name: this.options.name ?? null,
      checkpoint: this.options.checkpoint ?? null,
      classes: classNames,
      inputSize: cfg.INPUT.IMAGE_SIZE,
      runtime,
      batching: {
        maxBatch: this.options.maxBatch,
        maxDelayMs: this.options.maxDelayMs,
        maxQueue: this.options.maxQueue,
      },
    };
  }

  async listen(): Promise<string> {
    let url: string;
    try {
      url = await this.app.listen({ host: this.options.host, port: this.options.port });
    } catch (e) {
      // Nothing was admitted: stop the workers so that the process can exit with the error.
      await this.close();
      throw new Error(`cannot listen on ${this.options.host}:${this.options.port}: ${(e as Error).message}`);
    }
    this.startWarmup();
    this.warm.catch((e: unknown) => this.options.log(`warm-up failed: ${(e as Error).message}`));
    return url;
  }

  drain(timeoutMs = 30_000): Promise<DrainResult> {
    this.draining ??= this.stop(timeoutMs);
    return this.draining;
  }

  close(): Promise<DrainResult> {
    return this.drain(0);
  }

  private async stop(timeoutMs: number): Promise<DrainResult> {
    // No new connections; open requests run on (new ones on kept-alive connections get 503, see onRequest).
    const closed = this.app.close();
    const complete = await within(this.batcher.whenIdle(), timeoutMs);
    if (!complete) {
      this.batcher.rejectWaiting(
        new ServeError('draining', 'the server shut down before this request reached the model'),
      );
      // The batch in the model, if any, still answers; so do the 503s, then each connection closes.
      await this.batcher.whenIdle();
      // A client still sending its body (or not reading) gets its connection cut after a last second.
      if (!(await within(closed, 1000))) this.app.server.closeAllConnections();
    }
    await closed;
    await this.pool.close();
    return { complete };
  }
}

/** Whether `promise` settled within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An HTTP detection server over `predictor`: `POST /v1/detect` (an image's bytes → its detections), `/healthz`,
 * `/readyz`, `/metrics` (Prometheus) and `/v1/model`. Call `listen()` to start it, `drain()` to stop it.
 */
export function createDetectionServer(
  predictor: Predictor,
  options: DetectionServerOptions = {},
): DetectionServer {
  return new Server(predictor, resolveOptions(options));
}
