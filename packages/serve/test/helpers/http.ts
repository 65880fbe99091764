/** Real HTTP requests to a server on 127.0.0.1, with control over how the body is sent. */
import http from 'node:http';

/** An answer: status, headers and body text. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The JSON of an answer. */
export function json<T>(answer: HttpAnswer): T {
  return JSON.parse(answer.text) as T;
}

/** Options of `request`. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Send the body in chunks without a Content-Length (as a stream of unknown size). */
  chunked?: boolean;
  agent?: http.Agent;
}

/** One request; resolves with the answer, rejects only when the connection fails. */
export function request(url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body && !options.chunked) headers['content-length'] = String(options.body.length);
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body && options.chunked) {
      // The server may answer 413 and close before all of it is sent: that is the point, not an error.
      req.on('error', () => {});
      for (let i = 0; i < options.body.length; i += 64 * 1024)
        req.write(options.body.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

/** POST /v1/detect with an image's bytes. */
export function detect(
  base: string,
  body: Uint8Array,
  contentType = 'image/jpeg',
  query = '',
  agent?: http.Agent,
): Promise<HttpAnswer> {
  return request(`${base}/v1/detect${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    agent,
  });
}

/** The value of an unlabelled metric (or a labelled one with `labels`, as Prometheus writes them). */
export function metricValue(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  if (!line) throw new Error(`no metric ${name}{${labels}} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}
