/**
 * The exported graph run by ONNX Runtime against the tfjs model it was exported from (wasm backend), for every
 * reference config: same seeded weights, same images, softmax scores and decoded boxes compared. MobileNetV2 and
 * MobileNetV3 run by default; VGG16-SSD300/512 and EfficientNet-B3 (minutes on two cores) with SSD_ONNX=all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPriors, centerFormToCornerForm, decodeLocations } from '@ssd/boxes';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { decodeModel, exportOnnx, ONNX_OPSET, OnnxDetector, toNCHW } from '../src';
import { randomDetector, randomImages } from './helpers/models';

const RUN_ALL = process.env.SSD_ONNX === 'all';
const CONFIGS: Array<{ config: string; always: boolean }> = [
  { config: 'mobilenet_v2_ssd320_voc0712', always: true },
  { config: 'mobilenet_v3_ssd320_voc0712', always: true },
  { config: 'efficient_net_b3_ssd300_voc0712', always: false },
  { config: 'vgg_ssd300_voc0712', always: false },
  { config: 'vgg_ssd512_voc0712', always: false },
];

/**
 * float32 on two runtimes: different summation orders and kernels (ORT folds BatchNorm into Conv and picks its
 * own convolution algorithms) give at most 2.4e-6 of the largest output (EfficientNet-B3; MobileNets 5.6e-7).
 * 2e-5 leaves room for other CPUs' kernels and still fails a wrong layout, padding or bias, which moves outputs
 * by O(1).
 */
const SCORE_TOLERANCE = 2e-5;
const BOX_TOLERANCE = 2e-5;

let dir: string;
const table: string[] = [];

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (table.length)
    console.log(`ONNX Runtime vs tfjs (wasm), max |difference| / max |tfjs|:\n${table.join('\n')}`);
});

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

describe.each(CONFIGS)('$config exported to ONNX', ({ config, always }) => {
  const run = always || RUN_ALL ? it : it.skip;
  run(
    'gives the tfjs model’s scores and boxes on ONNX Runtime',
    async () => {
      const model = randomDetector(config);
      const cfg = model.cfg;
      const size = cfg.INPUT.IMAGE_SIZE;
      const images = randomImages(2, size);
      try {
        const bytes = exportOnnx(model);
        const proto = decodeModel(bytes);
        expect(proto.opsetImport.map((o) => o.version)).toEqual([ONNX_OPSET]);
        const file = path.join(dir, `${config}.onnx`);
        writeFileSync(file, bytes);

        const { clsLogits, bboxPred } = model.predict(images);
        const scores = tf.softmax(clsLogits);
        const expectedScores = scores.dataSync() as Float32Array;
        // The boxes decoded independently of the graph, by @ssd/boxes on plain arrays.
        const expectedBoxes = centerFormToCornerForm(
          decodeLocations(
            bboxPred.dataSync() as Float32Array,
            buildPriors(cfg),
            cfg.MODEL.CENTER_VARIANCE,
            cfg.MODEL.SIZE_VARIANCE,
          ),
        );
        tf.dispose([clsLogits, bboxPred, scores]);

        const detector = await OnnxDetector.load(file, cfg, { threads: 2 });
        try {
          const out = await detector.run(toNCHW(images.dataSync() as Float32Array, 2, size), 2);
          expect(out.scores.length).toBe(expectedScores.length);
          expect(out.boxes.length).toBe(expectedBoxes.length);
          const scoreError = relativeError(out.scores, expectedScores);
          const boxError = relativeError(out.boxes, expectedBoxes);
          table.push(
            `${config}: scores ${scoreError.toExponential(2)}, boxes ${boxError.toExponential(2)} (${(bytes.length / 2 ** 20).toFixed(1)} MiB)`,
          );
          expect(scoreError).toBeLessThan(SCORE_TOLERANCE);
          expect(boxError).toBeLessThan(BOX_TOLERANCE);
        } finally {
          detector.dispose();
        }
      } finally {
        images.dispose();
        model.dispose();
      }
    },
    600_000,
  );
});
