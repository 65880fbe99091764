import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { buildPriors, matchAndEncode } from '@ssd/boxes';
import { cloneConfig, loadConfig, type SSDConfig } from '@ssd/config';
import { BACKBONES, Backbone, nn, SSDDetector } from '@ssd/modeling';
import { TINY_MOBILENET_CONFIG } from '@ssd-test/kit';
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src';

/**
 * A miniature backbone with every layer kind the real ones use (strided conv + BN + ReLU6, depthwise conv,
 * ceil-mode max-pool, L2Norm, dilated conv): 16×16 input → 8×8 and 4×4 maps. The pure-JS backend is too slow
 * under jest for MobileNetV2 training steps (every `Math.*` call in its kernels is a sandboxed global lookup).
 */
BACKBONES.register('train_step_toy', (_cfg, scope) => {
  const stem = new nn.Sequential(scope.child('stem'), [
    (s) =>
      new nn.Conv2d(s, { inChannels: 3, outChannels: 8, kernelSize: 3, stride: 2, padding: 1, bias: false }),
    (s) => new nn.BatchNorm2d(s, { numFeatures: 8 }),
    () => new nn.ReLU6(),
    (s) => new nn.Conv2d(s, { inChannels: 8, outChannels: 8, kernelSize: 3, padding: 1, groups: 8 }),
    (s) => new nn.BatchNorm2d(s, { numFeatures: 8 }),
  ]);
  const l2 = new nn.L2Norm(scope.child('l2_norm'), 8, 20);
  const pool = new nn.MaxPool2d({ kernelSize: 3, stride: 2, ceilMode: true });
  const atrous = new nn.Conv2d(scope.child('atrous'), {
    inChannels: 8,
    outChannels: 8,
    kernelSize: 3,
    padding: 2,
    dilation: 2,
  });
  // The stem's output through L2Norm (before the ReLU: like PyTorch's, its gradient is NaN where every channel
  // is exactly 0), then ReLU → pool → atrous conv → ReLU.
  return new Backbone({
    layers: [...stem.layers, new nn.ReLU(), pool, atrous, new nn.ReLU()],
    taps: [{ at: stem.layers.length, through: l2 }, stem.layers.length + 4],
  });
});

function toyConfig(): SSDConfig {
  const cfg = cloneConfig(loadConfig(TINY_MOBILENET_CONFIG));
  cfg.MODEL.BACKBONE.NAME = 'train_step_toy';
  cfg.MODEL.BACKBONE.OUT_CHANNELS = [8, 8];
  cfg.INPUT.IMAGE_SIZE = 16;
  cfg.MODEL.PRIORS = {
    FEATURE_MAPS: [8, 4],
    STRIDES: [2, 4],
    MIN_SIZES: [4, 8],
    MAX_SIZES: [8, 12],
    ASPECT_RATIOS: [[2], [2, 3]],
    BOXES_PER_LOCATION: [4, 6],
    CLIP: true,
  };
  return cfg;
}

/** Two images with fixed content and ground truth, encoded against the priors like the target transform does. */
function fixedBatch(cfg: SSDConfig) {
  const priors = buildPriors(cfg);
  const gts: Array<[number[], number[]]> = [
    [[0.1, 0.1, 0.6, 0.7], [1]],
    [
      [0.4, 0.3, 0.95, 0.9, 0.05, 0.5, 0.3, 0.95],
      [2, 3],
    ],
  ];
  const encoded = gts.map(([boxes, labels]) =>
    matchAndEncode(Float32Array.from(boxes), Int32Array.from(labels), priors, cfg),
  );
  const numPriors = priors.length / 4;
  const size = cfg.INPUT.IMAGE_SIZE;
  return {
    images: tf.randomUniform([2, size, size, 3], -120, 120, 'float32', 7) as tf.Tensor4D,
    targets: {
      boxes: tf.tensor3d(Float32Array.from(encoded.flatMap((e) => Array.from(e.locations))), [
        2,
        numPriors,
        4,
      ]),
      labels: tf.tensor2d(
        Int32Array.from(encoded.flatMap((e) => Array.from(e.labels))),
        [2, numPriors],
        'int32',
      ),
    },
  };
}

/** Runs plain SGD steps (loss, gradients, w ← w − lr·g) on one batch; returns the losses before each step. */
function train(model: SSDDetector, cfg: SSDConfig, steps: number, lr: number): number[] {
  const { images, targets } = fixedBatch(cfg);
  const vars = [...model.trainableVariables().values()];
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(() => {
      const { regLoss, clsLoss } = model.forward(images, { training: true, targets });
      return tf.add(regLoss, clsLoss) as tf.Scalar;
    }, vars);
    losses.push(value.dataSync()[0]);
    tf.tidy(() => {
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
    });
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([images, targets.boxes, targets.labels]);
  return losses;
}

/**
 * Finite losses whose last three average under 90% of the first. Not monotone: hard negative mining re-picks
 * negatives each step, and batch-2 BatchNorm on 1×1 maps is noisy.
 */
function expectLearning(losses: number[]): void {
  expect(losses.every(Number.isFinite)).toBe(true);
  const tail = losses.slice(-3);
  expect(tail.reduce((a, b) => a + b, 0) / tail.length).toBeLessThan(losses[0] * 0.9);
}

const BACKENDS: Array<[string, () => void]> = [
  ['cpu', () => registerTrainingKernels('cpu')],
  ['wasm', () => registerTrainingKernels('wasm')],
];

describe.each(BACKENDS)('training steps on %s', (backend, register) => {
  beforeAll(async () => {
    register();
    expect(await tf.setBackend(backend)).toBe(true);
  });

  test('every layer kind trains: losses finite and falling, BatchNorm statistics updated', () => {
    const cfg = toyConfig();
    const model = new SSDDetector(cfg, { seed: 3 });
    const runningMean = model.stateDict().get('backbone.stem.1.running_mean')!;
    const before = Array.from(runningMean.dataSync());
    const tensors = tf.memory().numTensors;
    const losses = train(model, cfg, 6, 0.01);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[5]).toBeLessThan(losses[0] * 0.9);
    expect(Array.from(runningMean.dataSync())).not.toEqual(before);
    expect(model.stateDict().get('backbone.stem.1.num_batches_tracked')!.dataSync()[0]).toBe(6);
    model.dispose();
  });
});

test('mobilenet_v2 + SSDLite trains on wasm', async () => {
  registerTrainingKernels('wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
  const cfg = cloneConfig(loadConfig(TINY_MOBILENET_CONFIG));
  const model = new SSDDetector(cfg, { seed: 3 });
  expectLearning(train(model, cfg, 6, 0.01));
  model.dispose();
});
