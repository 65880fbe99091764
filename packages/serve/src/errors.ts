/** Every error the server answers, as `{ "error": { "code", "message" } }` with its HTTP status. */

/** The `code` of an error body, one per reason, stable for clients to branch on. */
export type ErrorCode =
  | 'bad_request'
  | 'undecodable_image'
  | 'not_found'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'image_too_large'
  | 'queue_full'
  | 'client_closed'
  | 'internal'
  | 'draining'
  | 'timeout';

/** What the server answers for an error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

const STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  undecodable_image: 400,
  not_found: 404,
  body_too_large: 413,
  unsupported_media_type: 415,
  image_too_large: 422,
  queue_full: 429,
  // nginx's status for a request whose client left: never sent, it shows in the metrics.
  client_closed: 499,
  internal: 500,
  draining: 503,
  timeout: 504,
};

/** An error answered with its status and code (and headers, e.g. Retry-After). */
export class ServeError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ServeError';
    this.status = STATUS[code];
  }

  /** The JSON body. */
  body(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** What an error message may name about the request. */
export interface ErrorContext {
  readonly contentType?: string;
  readonly bodyLimit: number;
  readonly contentTypes: readonly string[];
}

/** Fastify's own errors (body parsing, validation) as ours; anything else is a 500 whose details stay in the log. */
export function toServeError(e: unknown, context: ErrorContext): ServeError {
  if (e instanceof ServeError) return e;
  const err = e as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  const message = err.message ?? String(e);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServeError('body_too_large', `the body is over the limit of ${context.bodyLimit} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServeError(
        'unsupported_media_type',
        `${context.contentType ? `Content-Type ${context.contentType}` : 'no Content-Type'} is not an image type; send the image's bytes as one of ${context.contentTypes.join(', ')}`,
      );
  }
  if (err.validation || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
    return new ServeError('bad_request', message);
  }
  return new ServeError('internal', 'internal error (see the server log)');
}
