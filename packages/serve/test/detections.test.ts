/**
 * Detections over HTTP are `Predictor.detect`'s, object for object, on the demo photos: the reference's random-init
 * MobileNetV2-SSD320 on tfjs (wasm), and the same weights exported to `.onnx` on ONNX Runtime. The photos are sent
 * at once, so the server runs them as batches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { loadWeights, type Predictor, Predictor as PredictorClass } from '@ssd/engine';
import { decodeImage } from '@ssd/image';
import { buildDetectionModel } from '@ssd/modeling';
import { exportOnnx } from '@ssd/onnx';
import { REFERENCE_PTH } from '@ssd-test/kit';
import type { DetectResponse, ModelInfo } from '../src';
import { detect, json, request } from './helpers/http';
import { demoPhotos } from './helpers/images';
import { startServer, untilReady } from './helpers/toy';

const CONFIG = 'mobilenet_v2_ssd320_voc0712';
const photos = demoPhotos();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-serve-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reference checkpoint exported to ONNX (what `ssd export` writes). */
function exportReference(): string {
  const model = buildDetectionModel(loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']));
  try {
    loadWeights(model, REFERENCE_PTH);
    const file = path.join(dir, 'mobilenet_v2.onnx');
    writeFileSync(file, exportOnnx(model));
    return file;
  } finally {
    model.dispose();
  }
}

describe.each([
  { runtime: 'tfjs', ckpt: () => REFERENCE_PTH },
  { runtime: 'onnxruntime', ckpt: exportReference },
])('on $runtime', ({ runtime, ckpt }) => {
  let predictor: Predictor;

  beforeAll(async () => {
    const cfg = loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']);
    predictor = await PredictorClass.load(cfg, ckpt(), VOC_CLASSES, () => {});
  });

  afterAll(() => predictor.dispose());

  it('answers each demo photo with Predictor.detect’s objects, batched', async () => {
    const { server, url } = await startServer(predictor, { maxBatch: 8, maxDelayMs: 100, name: CONFIG });
    try {
      const answers = await Promise.all(photos.map((p) => detect(url, p.bytes)));
      const thresholded = await Promise.all(
        photos.map((p) => detect(url, p.bytes, 'image/jpeg', '?score_threshold=0.9')),
      );
      for (const [i, p] of photos.entries()) {
        const expected = await predictor.detect(await decodeImage(p.file));
        const got = json<DetectResponse>(answers[i]!);
        expect({ width: got.width, height: got.height }).toEqual({
          width: expected.width,
          height: expected.height,
        });
        expect(got.objects.length).toBeGreaterThan(10);
        expect(got.objects).toEqual(expected.objects);
        expect(json<DetectResponse>(thresholded[i]!).objects).toEqual(
          expected.objects.filter((o) => o.score >= 0.9),
        );
        expect(got.timings.inferenceMs).toBeGreaterThan(0);
        expect(got.timings.queueMs).toBeGreaterThanOrEqual(0);
      }
      const metrics = (await request(`${url}/metrics`)).text;
      // Ten photos in batches: fewer model calls than photos.
      expect(Number(/^ssd_batch_size_count (\d+)$/m.exec(metrics)![1])).toBeLessThan(10);

      const model = json<ModelInfo>(await request(`${url}/v1/model`));
      expect(model).toEqual({
        name: CONFIG,
        checkpoint: null,
        classes: VOC_CLASSES,
        inputSize: 320,
        runtime:
          runtime === 'tfjs'
            ? { runtime: 'tfjs', backend: 'wasm', device: 'wasm' }
            : { runtime: 'onnxruntime', backend: 'cpu', device: 'cpu' },
        batching: { maxBatch: 8, maxDelayMs: 100, maxQueue: 64 },
      });
      await untilReady(server);
      const ready = await request(`${url}/readyz`);
      expect([ready.status, json(ready)]).toEqual([200, { status: 'ready' }]);
    } finally {
      await server.close();
    }
  });
});
