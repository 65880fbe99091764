import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { type Detections, SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import { readTorchCheckpoint } from '../src';
import { FIXTURES, readF32, readJson, referenceConfig } from './helpers/reference-fixtures';

interface ForwardFixture {
  feature_shapes_nchw: number[][];
  num_priors: number;
  detections_in_input_pixels: { boxes_xyxy: number[]; labels: number[]; scores: number[] };
}

const fixture = readJson<ForwardFixture>('mobilenet_v2_ssd320_forward.json');
const refCls = readF32('mobilenet_v2_ssd320_cls_logits.f32');
const refBox = readF32('mobilenet_v2_ssd320_bbox_pred.f32');
const input = readF32('mobilenet_v2_ssd320_input_nhwc.f32');
const checkpoint = readTorchCheckpoint(`${FIXTURES}/mobilenet_v2_ssd320_random.pth`);

/**
 * Checks outputs against the reference at 1e-3 relative + 1e-4 absolute. The reference itself ran in float32,
 * and this randomly weighted network amplifies per-layer rounding (~1 ulp, the same for PyTorch, our cpu and
 * our wasm layers) about 100-fold by its coarsest maps, where ~1% of values land past that tolerance depending
 * only on the order of additions: a float64 rerun of the reference misses its own float32 output on 0.5% of
 * the values, PyTorch's non-oneDNN float32 path on 1.3%; ours miss 1.0% (cpu) and 1.2% (wasm), worst 2e-3.
 * So: 98% must meet it and every value must be within 3e-3 — far below what a wrong layer, weight layout or
 * prior order gives.
 */
function expectCloseToReference(ours: Float32Array, ref: Float32Array): void {
  expect(ours.length).toBe(ref.length);
  let outside = 0;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(ours[i] - ref[i]);
    if (!(err <= 1e-4 + 1e-3 * Math.abs(ref[i]))) outside++;
    worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
  }
  expect(outside / ref.length).toBeLessThan(0.02);
  expect(worst).toBeLessThan(3e-3);
}

/**
 * Each reference detection must have a counterpart with the same label, score within 1e-4 and box within
 * 0.05 px; counterparts may swap places only where scores tie to ~1e-5 (the top-100 list is score-sorted).
 */
function expectSameDetections(ours: Detections): void {
  const ref = fixture.detections_in_input_pixels;
  expect(ours.labels.length).toBe(ref.labels.length);
  const used = new Set<number>();
  ref.labels.forEach((label, i) => {
    const match = Array.from(ours.labels.keys()).find(
      (j) =>
        !used.has(j) &&
        ours.labels[j] === label &&
        Math.abs(ours.scores[j] - ref.scores[i]) <= 1e-4 &&
        [0, 1, 2, 3].every((k) => Math.abs(ours.boxes[4 * j + k] - ref.boxes_xyxy[4 * i + k]) <= 0.05),
    );
    expect({ reference: i, matched: match !== undefined }).toEqual({ reference: i, matched: true });
    used.add(match!);
  });
}

describe.each(['cpu', 'wasm'])('mobilenet_v2 SSD320 with the reference checkpoint on %s', (backend) => {
  test('raw predictions and post-processed detections match the reference', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const model = new SSDDetector(referenceConfig('mobilenet_v2_ssd320_voc0712.yaml'));
    model.loadTorchStateDict(checkpoint.stateDict, 'mobilenet_v2_ssd320_random.pth');
    const images = tf.tensor4d(input, [1, 320, 320, 3]);
    // One forward pass (the pure-JS backend needs seconds for it): raw outputs, then the head's post-processing.
    const predictions = model.predict(images);
    expect(predictions.clsLogits.shape).toEqual([1, fixture.num_priors, 21]);
    expect(predictions.bboxPred.shape).toEqual([1, fixture.num_priors, 4]);
    expectCloseToReference(predictions.clsLogits.dataSync() as Float32Array, refCls);
    expectCloseToReference(predictions.bboxPred.dataSync() as Float32Array, refBox);
    const [detections] = await model.boxHead.postProcess(predictions);
    expectSameDetections(detections);
    tf.dispose([predictions.clsLogits, predictions.bboxPred, images]);
    model.dispose();
  });
});

describe('on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  test('mobilenet_v2 feature maps have the reference shapes; forward() gives the same detections', async () => {
    const model = new SSDDetector(referenceConfig('mobilenet_v2_ssd320_voc0712.yaml'));
    model.loadTorchStateDict(checkpoint.stateDict);
    const images = tf.tensor4d(input, [1, 320, 320, 3]);
    const shapes = tf.tidy(() => model.backbone.forward(images, { training: false }).map((f) => f.shape));
    expect(shapes.map(([n, h, w, c]) => [n, c, h, w])).toEqual(fixture.feature_shapes_nchw);
    const [detections] = await model.forward(images, { training: false });
    expectSameDetections(detections);
    images.dispose();
    model.dispose();
  });
});
