/**
 * The server under load over real HTTP on 127.0.0.1 (the toy detector: the point is the server): batches form
 * under concurrency, overload is refused with 429 while every admitted request is answered, 500 mixed requests
 * lose none, the request timeout gives 504, and a drain answers what it admitted.
 */
import http from 'node:http';
import type { Predictor } from '@ssd/engine';
import { createDetectionServer, type DetectResponse, type ErrorBody } from '../src';
import { detect, type HttpAnswer, json, metricValue, request } from './helpers/http';
import { demoPhotos, pngDeclaring } from './helpers/images';
import { startServer, toyPredictor, untilReady } from './helpers/toy';

let predictor: Predictor;
const photos = demoPhotos().map((p) => p.bytes);

beforeAll(async () => {
  predictor = await toyPredictor();
});

afterAll(() => predictor.dispose());

/** `n` copies of `send`, at most `concurrency` at a time (a keep-alive agent with that many sockets). */
async function load(
  n: number,
  concurrency: number,
  send: (i: number, agent: http.Agent) => Promise<HttpAnswer>,
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await Promise.all(Array.from({ length: n }, (_, i) => send(i, agent)));
  } finally {
    agent.destroy();
  }
}

it('runs concurrent requests in batches of more than one image (the batch-size metric)', async () => {
  const { server, url } = await startServer(predictor, { maxBatch: 8, maxDelayMs: 50 });
  try {
    await untilReady(server);
    const answers = await load(16, 16, (i, agent) =>
      detect(url, photos[i % photos.length]!, 'image/jpeg', '', agent),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
    const metrics = (await request(`${url}/metrics`)).text;
    const batches = metricValue(metrics, 'ssd_batch_size_count');
    const single = metricValue(metrics, 'ssd_batch_size_bucket', 'le="1"');
    expect(metricValue(metrics, 'ssd_batch_size_sum')).toBe(16);
    expect(batches).toBeLessThan(16);
    expect(single).toBeLessThan(batches); // some batch held more than one image
    expect(metricValue(metrics, 'ssd_http_requests_total', 'route="/v1/detect",status="200"')).toBe(16);
    expect(metricValue(metrics, 'ssd_queue_depth')).toBe(0);
  } finally {
    await server.close();
  }
});

it('overload: 429 with Retry-After past the queue bound, and every admitted request answered', async () => {
  const { server, url } = await startServer(predictor, { maxBatch: 2, maxDelayMs: 20, maxQueue: 4 });
  try {
    await untilReady(server);
    const answers = await load(40, 40, (i, agent) =>
      detect(url, photos[i % photos.length]!, 'image/jpeg', '', agent),
    );
    const refused = answers.filter((a) => a.status === 429);
    const served = answers.filter((a) => a.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect(refused.length + served.length).toBe(40);
    for (const a of refused) {
      expect(a.headers['retry-after']).toBe('1');
      expect(json<ErrorBody>(a).error.code).toBe('queue_full');
    }
    for (const a of served) expect(json<DetectResponse>(a).objects.length).toBeGreaterThan(0);
  } finally {
    await server.close();
  }
});

it('500 requests mixing good and bad images: each gets its own answer, none is lost', async () => {
  const { server, url } = await startServer(predictor, { maxBatch: 8, maxDelayMs: 5 });
  const bodies: Array<{ body: Uint8Array; type: string; status: number }> = [
    { body: photos[0]!, type: 'image/jpeg', status: 200 },
    { body: photos[1]!.subarray(0, 3000), type: 'image/jpeg', status: 400 },
    { body: photos[2]!, type: 'image/jpeg', status: 200 },
    { body: pngDeclaring(100_000, 100_000), type: 'image/png', status: 422 },
    { body: photos[3]!, type: 'text/plain', status: 415 },
    { body: new Uint8Array(0), type: 'image/jpeg', status: 400 },
    { body: photos[4]!, type: 'application/octet-stream', status: 200 },
  ];
  try {
    const answers = await load(500, 25, (i, agent) => {
      const { body, type } = bodies[i % bodies.length]!;
      return detect(url, body, type, '', agent);
    });
    expect(answers.map((a) => a.status)).toEqual(answers.map((_, i) => bodies[i % bodies.length]!.status));
    // Each good answer is its own photo's: 000342.jpg and 003123.jpg are 500 wide, 008591.jpg 333.
    const widths: Record<number, number> = { 0: 500, 2: 500, 6: 333 };
    for (const [i, a] of answers.entries()) {
      if (a.status === 200) expect(json<DetectResponse>(a).width).toBe(widths[i % bodies.length]);
    }
    const metrics = (await request(`${url}/metrics`)).text;
    const count = (status: number) =>
      metricValue(metrics, 'ssd_http_requests_total', `route="/v1/detect",status="${status}"`);
    // 500 = 71 × 7 + 3: each body 71 times, then the first three once more (good, truncated, good).
    expect([200, 400, 415, 422].map(count)).toEqual([3 * 71 + 2, 2 * 71 + 1, 71, 71]);
  } finally {
    await server.close();
  }
});

it('504 when a request has not reached the model within the request timeout', async () => {
  const { server, url } = await startServer(predictor, { requestTimeoutMs: 1, maxDelayMs: 100 });
  try {
    const answer = await detect(url, photos[0]!);
    expect(answer.status).toBe(504);
    expect(json<ErrorBody>(answer).error).toEqual({
      code: 'timeout',
      message: 'waited 1 ms without reaching the model (the request timeout)',
    });
  } finally {
    await server.close();
  }
});

it('readiness: not before the warm-up, 200 when warm, not once draining', async () => {
  const idle = createDetectionServer(predictor, { log: () => {} });
  expect(idle.ready).toBe(false);
  await idle.close();
  const { server, url } = await startServer(predictor);
  expect((await request(`${url}/healthz`)).status).toBe(200);
  await untilReady(server);
  const warm = await request(`${url}/readyz`);
  expect([warm.status, json(warm)]).toEqual([200, { status: 'ready' }]);
  const drained = server.drain();
  expect(server.ready).toBe(false);
  await drained;
});

it('drain: no new connections, every admitted request answered', async () => {
  const { server, url } = await startServer(predictor, { maxBatch: 4, maxDelayMs: 200 });
  await untilReady(server);
  const inFlight = photos.map((p) => detect(url, p));
  await new Promise((r) => setTimeout(r, 50)); // admitted, waiting for their batch
  const drained = server.drain(10_000);
  await expect(request(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  const answers = await Promise.all(inFlight);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  // Keep-alive connections end with the drain.
  expect(answers.map((a) => a.headers.connection)).toEqual(Array(5).fill('close'));
  expect(await drained).toEqual({ complete: true });
});

it('a drain that runs out of time answers what had not reached the model with 503', async () => {
  const { server, url } = await startServer(predictor, { maxBatch: 8, maxDelayMs: 5_000 });
  await untilReady(server);
  const waiting = photos.map((p) => detect(url, p));
  await new Promise((r) => setTimeout(r, 100));
  expect(await server.drain(50)).toEqual({ complete: false });
  for (const a of await Promise.all(waiting)) {
    expect(a.status).toBe(503);
    expect(json<ErrorBody>(a).error).toEqual({
      code: 'draining',
      message: 'the server shut down before this request reached the model',
    });
  }
});

it('a port already taken fails listen() naming it, with the workers stopped', async () => {
  const { server, url } = await startServer(predictor);
  const port = Number(new URL(url).port);
  try {
    const second = createDetectionServer(predictor, { port, prepareThreads: 1, log: () => {} });
    await expect(second.listen()).rejects.toThrow(
      new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
    );
  } finally {
    await server.close();
  }
});

it('a client that hangs up while its request waits gives the place back; the model never sees it', async () => {
  const { server, url } = await startServer(predictor, { maxBatch: 2, maxDelayMs: 1500, maxQueue: 1 });
  const depth = async () => metricValue((await request(`${url}/metrics`)).text, 'ssd_queue_depth');
  const until = async (ok: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 10));
  };
  try {
    await untilReady(server);
    const leaving = http.request(`${url}/v1/detect`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'content-length': photos[0]!.length },
    });
    leaving.on('error', () => {});
    leaving.end(photos[0]);
    await until(async () => (await depth()) === 1);
    leaving.destroy();
    await until(async () => (await depth()) === 0);
    const answer = await detect(url, photos[1]!); // admitted: the queue holds one
    expect(answer.status).toBe(200);
    const metrics = (await request(`${url}/metrics`)).text;
    expect(metricValue(metrics, 'ssd_batch_size_sum')).toBe(1);
    expect(metricValue(metrics, 'ssd_http_requests_total', 'route="/v1/detect",status="499"')).toBe(1);
  } finally {
    await server.close();
  }
});
