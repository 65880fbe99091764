/**
 * Every refusal of the API over real HTTP on 127.0.0.1, each with its status and `{ error: { code, message } }`
 * naming what was wrong, from hostile bodies; and the server answering a good image after each.
 */
import type { Predictor } from '@ssd/engine';
import type { DetectionServer, DetectResponse, ErrorBody } from '../src';
import { detect, type HttpAnswer, json, request } from './helpers/http';
import { demoPhotos, pngDeclaring } from './helpers/images';
import { startServer, toyPredictor, untilReady } from './helpers/toy';

const BODY_LIMIT = 256 * 1024;
let predictor: Predictor;
let server: DetectionServer;
let url: string;
const photo = demoPhotos()[0]!.bytes;

beforeAll(async () => {
  predictor = await toyPredictor();
  ({ server, url } = await startServer(predictor, { bodyLimit: BODY_LIMIT, maxPixels: 4_000_000 }));
  await untilReady(server);
});

afterAll(async () => {
  await server.close();
  predictor.dispose();
});

/** The answer's status and error body. */
async function refusal(answer: Promise<HttpAnswer>) {
  const a = await answer;
  return { status: a.status, ...json<ErrorBody>(a) };
}

afterEach(async () => {
  // No input takes the server down: a good photo is still answered.
  const good = await detect(url, photo);
  expect(good.status).toBe(200);
  expect(json<DetectResponse>(good).width).toBe(500);
});

it('400 for a truncated JPEG, naming the decoder’s complaint', async () => {
  const r = await refusal(detect(url, photo.subarray(0, 4000)));
  expect(r).toEqual({
    status: 400,
    error: {
      code: 'undecodable_image',
      message: 'cannot decode image in the request body: VipsJpeg: premature end of JPEG image',
    },
  });
});

it('400 for zero bytes', async () => {
  expect(await refusal(detect(url, new Uint8Array(0)))).toEqual({
    status: 400,
    error: { code: 'undecodable_image', message: "the body is empty: send the image's bytes" },
  });
});

it('400 for bytes that are no image, and for an SVG sent as a PNG', async () => {
  const garbage = await refusal(detect(url, new TextEncoder().encode('not an image at all'), 'image/png'));
  expect(garbage.status).toBe(400);
  expect(garbage.error.message).toBe(
    'cannot decode image in the request body: it is text, not one of the formats read (JPEG, PNG, WebP)',
  );
  const svg = new TextEncoder().encode(
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
  );
  const r = await refusal(detect(url, svg, 'image/png'));
  expect(r.status).toBe(400);
  expect(r.error.message).toBe(
    'cannot decode image in the request body: it is SVG (a vector format), not one of the formats read (JPEG, PNG, WebP)',
  );
});

it('422 for a PNG declaring 100k×100k pixels, refused from its header', async () => {
  const r = await refusal(detect(url, pngDeclaring(100_000, 100_000), 'image/png'));
  expect(r).toEqual({
    status: 422,
    error: {
      code: 'image_too_large',
      message:
        'cannot decode image in the request body: 100000×100000 = 10000000000 pixels is more than the 4000000 allowed (a decompression bomb?)',
    },
  });
});

it('415 for a content type that is not an image, or none', async () => {
  const r = await refusal(detect(url, photo, 'application/json'));
  expect(r.status).toBe(415);
  expect(r.error.code).toBe('unsupported_media_type');
  expect(r.error.message).toMatch(/^Content-Type application\/json is not an image type; send .*image\/jpeg/);
  const none = await refusal(request(`${url}/v1/detect`, { method: 'POST', body: photo }));
  expect(none.status).toBe(415);
  expect(none.error.message).toMatch(/^no Content-Type is not an image type/);
});

it('413 for a body over the limit, declared or streamed', async () => {
  const big = new Uint8Array(BODY_LIMIT + 1);
  const expected = {
    status: 413,
    error: { code: 'body_too_large', message: `the body is over the limit of ${BODY_LIMIT} bytes` },
  };
  expect(await refusal(detect(url, big))).toEqual(expected);
  const streamed = await refusal(
    request(`${url}/v1/detect`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: new Uint8Array(4 * BODY_LIMIT),
      chunked: true,
    }),
  );
  expect(streamed).toEqual(expected);
});

it('400 for a bad or unknown query parameter, 404 for an unknown route', async () => {
  expect(await refusal(detect(url, photo, 'image/jpeg', '?score_threshold=1.5'))).toEqual({
    status: 400,
    error: { code: 'bad_request', message: "score_threshold must be a number in [0, 1], got '1.5'" },
  });
  expect(await refusal(detect(url, photo, 'image/jpeg', '?threshold=0.5'))).toEqual({
    status: 400,
    error: {
      code: 'bad_request',
      message: "unknown query parameter 'threshold' (POST /v1/detect takes score_threshold)",
    },
  });
  expect(await refusal(request(`${url}/v1/detecc`))).toEqual({
    status: 404,
    error: { code: 'not_found', message: 'no route GET /v1/detecc' },
  });
});
