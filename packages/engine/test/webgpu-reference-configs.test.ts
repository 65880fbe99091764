/**
 * Every reference architecture trains on webgpu: the training-mode loss of a fixed batch equals the wasm
 * backend's, two SGD steps on that batch lower it, and every trainable tensor gets a finite gradient. On the
 * software device (CI) the fully convolutional MobileNet and EfficientNet models run at a reduced input size
 * (their layers and gradient kernels are the same at any size); VGG's extra layers need about 300 pixels.
 * The COCO variants of the VGG configs differ only in NUM_CLASSES.
 */
import path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import { buildDetectionModel, registerTfjsGradients, registerWasmGradientKernels } from '@ssd/modeling';
import { buildOptimizer } from '@ssd/solver';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src';
import { describeWebGpu, useWebGpu } from './helpers/webgpu';

const REPO = path.resolve(__dirname, '../../..');

/** [config, input size on the software device, batch (BatchNorm models need 2 values per channel)]. */
const CASES: [string, number, number][] = [
  ['mobilenet_v2_ssd320_voc0712', 96, 2],
  ['mobilenet_v3_ssd320_voc0712', 96, 2],
  ['efficient_net_b3_ssd300_voc0712', 96, 2],
  ['vgg_ssd300_voc0712', 300, 1],
  ['vgg_ssd512_voc0712', 512, 1],
];

function config(name: string, size: number): SSDConfig {
  return structuredClone(
    loadConfig(path.join(REPO, 'configs', `${name}.yaml`), [
      'INPUT.IMAGE_SIZE',
      String(size),
      'SOLVER.LR',
      '1e-3',
    ]),
  );
}

/** A fixed batch: smooth images, and one positive prior in every 50 with a made-up box target. */
function batchFor(model: ReturnType<typeof buildDetectionModel>, size: number, n: number) {
  return tf.tidy(() => {
    const images = tf.mul(
      tf.sin(tf.mul(tf.randomNormal([n, size, size, 3], 0, 1, 'float32', 4), 2)),
      60,
    ) as tf.Tensor4D;
    const p = model.predict(images).clsLogits.shape[1];
    const index = tf.range(0, n * p, 1, 'int32');
    const labels = tf.reshape(
      tf.mul(tf.cast(tf.equal(tf.mod(index, 50), 0), 'int32'), tf.add(tf.mod(index, 7), 1)),
      [n, p],
    ) as tf.Tensor2D;
    const boxes = tf.randomNormal([n, p, 4], 0, 0.5, 'float32', 5) as tf.Tensor3D;
    return { images, targets: { boxes, labels } };
  });
}

/** Training-mode loss of the batch (BatchNorm statistics update, as in training), read asynchronously. */
async function lossOf(model: ReturnType<typeof buildDetectionModel>, batch: ReturnType<typeof batchFor>) {
  const loss = tf.tidy(() => {
    const { regLoss, clsLoss } = model.loss(batch.images, batch.targets);
    return tf.add(regLoss, clsLoss);
  });
  const value = (await loss.data())[0]!;
  loss.dispose();
  return value;
}

describeWebGpu('every reference architecture trains on webgpu', () => {
  afterAll(() => initBackend('js', () => {}));

  it.each(CASES)(
    '%s at %i², batch %i',
    async (name, size, n) => {
      const cfg = config(name, size);
      // Reference: the wasm backend's loss for the same initial weights and batch.
      await initBackend('wasm', () => {});
      registerWasmGradientKernels();
      const cpuModel = buildDetectionModel(cfg);
      const cpuBatch = batchFor(cpuModel, size, n);
      const expected = await lossOf(cpuModel, cpuBatch);
      tf.dispose([cpuBatch.images, cpuBatch.targets.boxes, cpuBatch.targets.labels]);
      cpuModel.dispose();

      await useWebGpu();
      registerTfjsGradients();
      const model = buildDetectionModel(cfg);
      const optimizer = buildOptimizer(cfg, model.trainableVariables());
      const batch = batchFor(model, size, n);
      const vars = model.trainableVariables();
      const losses: number[] = [];
      for (let step = 0; step < 2; step++) {
        const { value, grads } = tf.variableGrads(() => {
          const { regLoss, clsLoss } = model.loss(batch.images, batch.targets);
          return tf.add(regLoss, clsLoss) as tf.Scalar;
        }, [...vars.values()]);
        losses.push((await value.data())[0]!);
        if (step === 0) {
          const norms = tf.tidy(() =>
            tf.stack([...vars.values()].map((v) => tf.sum(tf.abs(grads[v.name]!)))),
          );
          const values = await norms.data();
          norms.dispose();
          expect([...values].every(Number.isFinite)).toBe(true);
        }
        optimizer.step(grads);
        tf.dispose([value, ...Object.values(grads)]);
      }
      const after = await lossOf(model, batch);
      tf.dispose([batch.images, batch.targets.boxes, batch.targets.labels]);
      optimizer.dispose();
      model.dispose();

      expect(Math.abs(losses[0]! - expected) / expected).toBeLessThan(1e-4);
      expect(after).toBeLessThan(losses[0]!);
    },
    900_000,
  );
});
