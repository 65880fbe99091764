import { buildPriors, centerFormToCornerForm, decodeLocations } from '@ssd/boxes';
import * as tf from '@tensorflow/tfjs-core';
import { centerFormToCornerFormTensor, decodeLocationsTensor } from '../src/postprocess/box-tensors';
import { type Detections, postProcess, postProcessAsync } from '../src/postprocess/post-processor';
import { BACKENDS, maxAbsDiff, PRIOR_CONFIGS, readF32, readFixture, useBackend } from './box-test-helpers';

interface ForwardFixture {
  num_priors: number;
  detections_in_input_pixels: {
    test_config: { CONFIDENCE_THRESHOLD: number; NMS_THRESHOLD: number; MAX_PER_IMAGE: number };
    boxes_xyxy: number[];
    labels: number[];
    scores: number[];
  };
}

const fixture = readFixture<ForwardFixture>('mobilenet_v2_ssd320_forward.json');
const expected = fixture.detections_in_input_pixels;
const P = fixture.num_priors;
const C = 21;
const logits = readF32('mobilenet_v2_ssd320_cls_logits.f32');
const bbox = readF32('mobilenet_v2_ssd320_bbox_pred.f32');
const priors = buildPriors(PRIOR_CONFIGS.mobilenet_v2_ssd320_voc0712);

/** The reference defaults for TEST and the box coder, on the 320 input. */
function config(test: Partial<{ MAX_PER_CLASS: number; MAX_PER_IMAGE: number }> = {}) {
  return {
    INPUT: { IMAGE_SIZE: 320 },
    MODEL: { CENTER_VARIANCE: 0.1, SIZE_VARIANCE: 0.2 },
    TEST: { CONFIDENCE_THRESHOLD: 0.01, NMS_THRESHOLD: 0.45, MAX_PER_CLASS: -1, MAX_PER_IMAGE: 100, ...test },
  };
}

function run(cfg = config(), images = 1): Detections[] {
  const cls = tf.tensor3d(
    new Float32Array(images * logits.length).map((_, i) => logits[i % logits.length]),
    [images, P, C],
  );
  const loc = tf.tensor3d(
    new Float32Array(images * bbox.length).map((_, i) => bbox[i % bbox.length]),
    [images, P, 4],
  );
  try {
    return postProcess(cls, loc, priors, cfg);
  } finally {
    tf.dispose([cls, loc]);
  }
}

function expectReference(d: Detections): void {
  expect(d.labels.length).toBe(expected.labels.length);
  expect(Array.from(d.labels)).toEqual(expected.labels);
  expect(maxAbsDiff(d.scores, expected.scores)).toBeLessThan(1e-4);
  expect(maxAbsDiff(d.boxes, expected.boxes_xyxy)).toBeLessThan(1e-3);
}

describe.each(BACKENDS)('postProcess on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('reproduces the reference detections with the default TEST settings, without leaking tensors', () => {
    expect(expected.test_config).toEqual({
      CONFIDENCE_THRESHOLD: 0.01,
      NMS_THRESHOLD: 0.45,
      MAX_PER_IMAGE: 100,
    });
    const before = tf.memory().numTensors;
    const [detections] = run();
    expect(tf.memory().numTensors).toBe(before);
    expectReference(detections);
  });

  it('handles each image of a batch on its own, and the async variant agrees', async () => {
    const cls = tf.tensor3d(logits, [1, P, C]);
    const loc = tf.tensor3d(bbox, [1, P, 4]);
    const priorsTensor = tf.tensor2d(priors, [P, 4]);
    const before = tf.memory().numTensors;
    const [single] = await postProcessAsync(cls, loc, priorsTensor, config());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([cls, loc, priorsTensor]);
    expectReference(single);
    const batch = run(config(), 2);
    expect(batch).toHaveLength(2);
    for (const d of batch) expectReference(d);
  });

  it('keeps the top MAX_PER_IMAGE by score and caps each class at MAX_PER_CLASS after NMS', () => {
    const [all] = run(config({ MAX_PER_IMAGE: -1 }));
    expect(all.scores.length).toBeGreaterThan(100);
    expect(all.scores.every((s, i) => i === 0 || s <= all.scores[i - 1])).toBe(true);
    const [top10] = run(config({ MAX_PER_IMAGE: 10 }));
    expect(Array.from(top10.scores)).toEqual(Array.from(all.scores.subarray(0, 10)));

    const [capped] = run(config({ MAX_PER_CLASS: 2, MAX_PER_IMAGE: -1 }));
    const seen = new Map<number, number>();
    const expectedScores = Array.from(all.scores).filter((_, i) => {
      const n = seen.get(all.labels[i]) ?? 0;
      seen.set(all.labels[i], n + 1);
      return n < 2;
    });
    expect(Array.from(capped.scores)).toEqual(expectedScores);
  });

  it('decodes on tensors exactly as on typed arrays', () => {
    const loc = tf.tensor2d(bbox, [P, 4]);
    const priorsTensor = tf.tensor2d(priors, [P, 4]);
    const centers = decodeLocationsTensor(loc, priorsTensor, 0.1, 0.2);
    const corners = centerFormToCornerFormTensor(centers);
    const reference = decodeLocations(bbox, priors, 0.1, 0.2);
    expect(maxAbsDiff(centers.dataSync(), reference)).toBeLessThan(1e-6);
    expect(maxAbsDiff(corners.dataSync(), centerFormToCornerForm(reference))).toBeLessThan(1e-6);
    tf.dispose([loc, priorsTensor, centers, corners]);
  });

  it('names the tensor whose shape is wrong', () => {
    const cls = tf.zeros([1, P, C]);
    const shortLoc = tf.zeros([1, P - 1, 4]);
    const loc = tf.zeros([1, P, 4]);
    expect(() => postProcess(cls, shortLoc, priors, config())).toThrow(/bboxPred must be \[1,3234,4\]/);
    expect(() => postProcess(cls, loc, priors.subarray(4), config())).toThrow(/priorsCenter/);
    tf.dispose([cls, shortLoc, loc]);
  });
});
