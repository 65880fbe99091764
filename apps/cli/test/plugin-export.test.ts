/**
 * A plug-in backbone exports to ONNX with no emitter of its own: @ssd-test/custom-backbone's toy backbone
 * (registered from outside @ssd/modeling, built from its `nn` layers, described as data) goes through
 * `ssd export`'s runExport, and ONNX Runtime's scores and boxes equal the tfjs model's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPriors, centerFormToCornerForm, decodeLocations } from '@ssd/boxes';
import { initBackend, writeTorchCheckpoint } from '@ssd/engine';
import { SSDDetector } from '@ssd/modeling';
import { Rng } from '@ssd/random';
import { type ToyProject, toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { runExport } from '../src/commands/export';

let project: ToyProject;
let dir: string;

beforeAll(async () => {
  await initBackend('js');
  project = await writeToyProject();
  dir = mkdtempSync(path.join(tmpdir(), 'ssd-plugin-export-'));
});

afterAll(() => {
  rmSync(project.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** max |actual − expected| / max |expected|. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

test('the toy backbone exported by ssd export gives the tfjs model’s outputs on ONNX Runtime', async () => {
  const cfg = toyConfig(project);
  const model = new SSDDetector(cfg, { seed: 3 });
  const images = tf.tidy(() => tf.randomUniform([2, 32, 32, 3], -120, 130, 'float32', 5) as tf.Tensor4D);
  try {
    // BatchNorm statistics and scales drawn too (at init they are 0 and 1): a misplaced vector shows.
    const rng = new Rng(9);
    for (const [name, variable] of model.stateDict()) {
      if (variable.rank !== 1) continue;
      const [low, high] = /running_var$|weight$/.test(name) ? [0.5, 1.5] : [-0.2, 0.2];
      variable.assign(tf.tensor1d(rng.uniformValues(variable.size, low, high)));
    }
    const ckpt = path.join(dir, 'toy.pth');
    writeFileSync(ckpt, writeTorchCheckpoint({ stateDict: model.torchStateDict(), extras: {} }));
    const output = await runExport([], {
      configFile: project.configFile,
      ckpt,
      output: path.join(dir, 'toy.onnx'),
    });

    const session = await ort.InferenceSession.create(output);
    const nchw = tf.tidy(() => tf.transpose(images, [0, 3, 1, 2]).dataSync() as Float32Array);
    const result = await session.run({ images: new ort.Tensor('float32', nchw, [2, 3, 32, 32]) });
    await session.release();

    const { clsLogits, bboxPred } = model.predict(images);
    const scores = tf.tidy(() => tf.softmax(clsLogits).dataSync() as Float32Array);
    // Decoded independently of the graph, by @ssd/boxes on plain arrays.
    const boxes = centerFormToCornerForm(
      decodeLocations(
        bboxPred.dataSync() as Float32Array,
        buildPriors(cfg),
        cfg.MODEL.CENTER_VARIANCE,
        cfg.MODEL.SIZE_VARIANCE,
      ),
    );
    tf.dispose([clsLogits, bboxPred]);
    // 8·8·4 + 4·4·4 priors, 6 classes.
    expect(result.scores!.dims).toEqual([2, 320, 6]);
    expect(result.boxes!.dims).toEqual([2, 320, 4]);
    // float32 on two runtimes; a wrong layout, padding or tap moves outputs by O(1).
    expect(relativeError(result.scores!.data as Float32Array, scores)).toBeLessThan(2e-5);
    expect(relativeError(result.boxes!.data as Float32Array, boxes)).toBeLessThan(2e-5);
  } finally {
    images.dispose();
    model.dispose();
  }
});
