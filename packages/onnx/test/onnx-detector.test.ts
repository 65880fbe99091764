/**
 * OnnxDetector's detections (ONNX Runtime + our post-processing on its outputs) against SSDDetector.detect on
 * the same weights and images, and its errors for files that are not an ssd export or a config that does not
 * match, and the exporter's for a module without an emitter.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import type { Detections } from '@ssd/modeling';
import { BACKBONES, Backbone, SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { encodeModel, exportOnnx, GraphBuilder, OnnxDetector } from '../src';
import { randomDetector, randomImages } from './helpers/models';

const CONFIG = 'quickstart_mobilenet_v2_ssdlite_shapes';
/** Scores this far apart cannot trade places between backends (the match tolerance is 1e-5). */
const SCORE_GAP = 1e-4;

let dir: string;

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-detector-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Index of the detection in `found` with the same label and a box and score within tolerance, or -1. */
function match(found: Detections, label: number, box: Float32Array, score: number): number {
  for (let j = 0; j < found.scores.length; j++) {
    if (found.labels[j] !== label || Math.abs(found.scores[j] - score) > 1e-5) continue;
    const b = found.boxes.subarray(4 * j, 4 * j + 4);
    if (b.every((v, k) => Math.abs(v - box[k]) < 1e-3)) return j;
  }
  return -1;
}

/**
 * A score threshold for the random model on `images` that keeps few enough detections to compare one by one:
 * random weights score every prior about alike, so it goes in the first gap of at least SCORE_GAP below
 * the top scores (tfjs's), where no float difference can move a detection across it.
 */
async function clearThreshold(images: tf.Tensor4D): Promise<number> {
  const probe = randomDetector(CONFIG, ['TEST.CONFIDENCE_THRESHOLD', '0.01']);
  try {
    const scores = (await probe.detect(images)).flatMap((d) => Array.from(d.scores)).sort((a, b) => b - a);
    for (let k = 2; k < Math.min(scores.length, 40); k++) {
      if (scores[k - 1] - scores[k] >= SCORE_GAP) return (scores[k - 1] + scores[k]) / 2;
    }
    throw new Error(`no gap of ${SCORE_GAP} among the top scores ${scores.slice(0, 40).join(' ')}`);
  } finally {
    probe.dispose();
  }
}

it('detects what the tfjs model detects', async () => {
  const images = randomImages(2, 160);
  const threshold = await clearThreshold(images);
  const model = randomDetector(CONFIG, ['TEST.CONFIDENCE_THRESHOLD', String(threshold)]);
  expect(model.cfg.INPUT.IMAGE_SIZE).toBe(160);
  const file = path.join(dir, 'quickstart.onnx');
  writeFileSync(file, exportOnnx(model));
  const detector = await OnnxDetector.load(file, model.cfg, { threads: 2 });
  try {
    const expected = await model.detect(images);
    const actual = await detector.detect(images);
    expect(actual).toHaveLength(2);
    for (const [i, want] of expected.entries()) {
      const got = actual[i];
      expect(want.scores.length).toBeGreaterThan(0);
      expect(got.scores.length).toBe(want.scores.length);
      const unmatched = Array.from(want.scores.keys()).filter(
        (j) => match(got, want.labels[j], want.boxes.subarray(4 * j, 4 * j + 4), want.scores[j]) < 0,
      );
      expect(unmatched).toEqual([]);
    }
  } finally {
    detector.dispose();
    images.dispose();
    model.dispose();
  }
});

it.each([
  [['MODEL.NUM_CLASSES', '21'], 'it gives 6 classes but MODEL.NUM_CLASSES is 21'],
  [['INPUT.IMAGE_SIZE', '300'], 'its input is 160×160 but INPUT.IMAGE_SIZE is 300'],
])('rejects a config that does not fit the model (%j), naming both', async (overrides, message) => {
  const model = randomDetector(CONFIG);
  const file = path.join(dir, 'quickstart-fit.onnx');
  writeFileSync(file, exportOnnx(model));
  model.dispose();
  await expect(OnnxDetector.load(file, loadConfig(CONFIG, overrides))).rejects.toThrow(
    `${file} does not fit the config: ${message}; is the config the one it was exported with?`,
  );
});

it('rejects an ONNX model that is not an ssd export, naming its inputs and outputs', async () => {
  const g = new GraphBuilder();
  const y = g.op('Relu', ['x'], [1]);
  const tensor = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } },
  });
  const file = path.join(dir, 'relu.onnx');
  writeFileSync(
    file,
    encodeModel({
      irVersion: 8,
      producerName: 'test',
      producerVersion: '',
      opsetImport: [{ domain: '', version: 17 }],
      metadataProps: [],
      graph: { name: 'relu', node: g.nodes, initializer: [], input: [tensor('x')], output: [tensor(y.name)] },
    }),
  );
  await expect(OnnxDetector.load(file, loadConfig(CONFIG))).rejects.toThrow(
    `${file} is not an ssd export: expected input 'images' and outputs 'scores', 'boxes'; it has inputs x and outputs ${y.name}`,
  );
});

it('says which layer has no ONNX emitter', () => {
  // A layer of the plug-in's own, without an emitter: the backbone around it needs none (it is data).
  class Doubling {
    forward(x: tf.Tensor4D): tf.Tensor4D {
      return tf.mul(x, 2);
    }
  }
  if (!BACKBONES.has('onnx_test_plain')) {
    BACKBONES.register('onnx_test_plain', () => new Backbone({ layers: [new Doubling()], taps: [1] }));
  }
  const cfg = loadConfig(CONFIG, ['MODEL.BACKBONE.NAME', 'onnx_test_plain']);
  const model = new SSDDetector(cfg);
  try {
    expect(() => exportOnnx(model)).toThrow(
      'not supported: exporting layer Doubling to ONNX (no emitter registered; add one with the @ssd/onnx LAYER_EMITTERS registry)',
    );
  } finally {
    model.dispose();
  }
});
