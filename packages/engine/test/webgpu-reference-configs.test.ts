/**
 * Every reference architecture trains on webgpu: the training-mode loss of a fixed batch equals a CPU
 * backend's, two SGD steps on that batch lower it, and every trainable tensor gets a finite gradient. On the
 * software device (CI) the fully convolutional MobileNet and EfficientNet models run at a reduced input size
 * (their layers and gradient kernels are the same at any size); VGG's extra layers need about 300 pixels,
 * where a step takes many minutes on the software device, so the whole VGG models run on a hardware adapter
 * and CI checks VGG's own layers (dilated fc6, ceil-mode and 3×3/1 max-pools, L2Norm) and their gradients
 * against js instead. The COCO variants of the VGG configs differ only in NUM_CLASSES.
 */
import path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import { buildDetectionModel, nn, registerTfjsGradients, registerWasmGradientKernels } from '@ssd/modeling';
import { buildOptimizer } from '@ssd/solver';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src';
import { describeWebGpu, useWebGpu, webGpuAdapter } from './helpers/webgpu';

const REPO = path.resolve(__dirname, '../../..');

/**
 * [config, input size on the software device, batch (BatchNorm models need 2 values per channel), the CPU
 * backend whose loss is the reference: js, or wasm where js would take minutes].
 */
const ALL_CASES: [string, number, number, 'js' | 'wasm'][] = [
  ['mobilenet_v2_ssd320_voc0712', 96, 2, 'js'],
  ['mobilenet_v3_ssd320_voc0712', 96, 2, 'js'],
  ['efficient_net_b3_ssd300_voc0712', 96, 2, 'js'],
  ['vgg_ssd300_voc0712', 300, 1, 'wasm'],
  ['vgg_ssd512_voc0712', 512, 1, 'wasm'],
];
const onSoftware = webGpuAdapter()?.software === true;
const CASES = ALL_CASES.filter(([name]) => !(onSoftware && name.startsWith('vgg')));

/**
 * The reference config at `size`² (LR 1e-3), its MODEL.PRIORS.FEATURE_MAPS set to what the backbone gives at
 * that size (the box head checks the prior count against the network's output).
 */
function config(name: string, size: number): SSDConfig {
  const file = path.join(REPO, 'configs', `${name}.yaml`);
  const overrides = ['INPUT.IMAGE_SIZE', String(size), 'SOLVER.LR', '1e-3'];
  const probe = buildDetectionModel(structuredClone(loadConfig(file, overrides)));
  const maps = tf.tidy(() =>
    probe.backbone.forward(tf.zeros([1, size, size, 3]), { training: false }).map((f) => f.shape[1]),
  );
  probe.dispose();
  return structuredClone(
    loadConfig(file, [...overrides, 'MODEL.PRIORS.FEATURE_MAPS', `[${maps.join(', ')}]`]),
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
    const labels = tf.tensor2d(
      Int32Array.from({ length: n * p }, (_, i) => (i % 50 === 0 ? 1 + (i % 7) : 0)),
      [n, p],
      'int32',
    );
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
    '%s at %i², batch %i (against %s)',
    async (name, size, n, reference) => {
      // Reference: a CPU backend's loss for the same initial weights and batch.
      await initBackend(reference, () => {});
      if (reference === 'wasm') registerWasmGradientKernels();
      const cfg = config(name, size);
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

/** VGG's own layers: fc6's dilated convolution, conv4_3's L2Norm, ceil-mode 2×2/2 and pool5's 3×3/1 max-pools. */
function vggLayers(seed: number) {
  const store = new nn.StateStore(seed);
  const scope = new nn.Scope(store, 'vgg');
  const conv = new nn.Conv2d(scope.child('conv'), {
    inChannels: 3,
    outChannels: 8,
    kernelSize: 3,
    padding: 1,
  });
  const pool = new nn.MaxPool2d({ kernelSize: 2, stride: 2, ceilMode: true });
  const fc6 = new nn.Conv2d(scope.child('fc6'), {
    inChannels: 8,
    outChannels: 8,
    kernelSize: 3,
    padding: 6,
    dilation: 6,
  });
  const pool5 = new nn.MaxPool2d({ kernelSize: 3, stride: 1, padding: 1 });
  const l2 = new nn.L2Norm(scope.child('l2'), 8, 20);
  const forward = (x: tf.Tensor4D) =>
    l2.forward(pool5.forward(tf.relu(fc6.forward(pool.forward(tf.relu(conv.forward(x)))))));
  return { store, forward };
}

/** Gradients of Σ layers(x)·r with respect to x and every parameter, for fixed x and r. */
async function vggLayerGradients(): Promise<Float32Array[]> {
  const { store, forward } = vggLayers(3);
  const x = tf.randomNormal([2, 13, 13, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const r = tf.randomNormal(forward(x).shape, 0, 1, 'float32', 2);
  const params = store.entries().map((e) => e.variable);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(x), r)) as tf.Scalar, params);
  const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(forward(input as tf.Tensor4D), r)))(x);
  const out = [
    await dx.data(),
    ...(await Promise.all(params.map((v) => grads[v.name]!.data()))),
  ] as Float32Array[];
  tf.dispose([x, r, dx, ...Object.values(grads)]);
  store.dispose();
  return out;
}

describeWebGpu("VGG's layers on webgpu", () => {
  afterAll(() => initBackend('js', () => {}));

  it("give the js backend's gradients", async () => {
    await initBackend('js', () => {});
    registerTfjsGradients();
    const want = await vggLayerGradients();
    await useWebGpu();
    const got = await vggLayerGradients();
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => {
      let scale = 0;
      let diff = 0;
      w.forEach((v, j) => {
        scale = Math.max(scale, Math.abs(v));
        diff = Math.max(diff, Math.abs(v - got[i]![j]!));
      });
      expect(diff / scale).toBeLessThan(1e-5);
    });
  });
});
