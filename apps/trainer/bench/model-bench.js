// Forward (inference) and training-step time per image of whole SSD models on one tfjs backend.
// A training step is the reference's: training-mode forward, MultiBox loss, gradients of every trainable
// variable, and a plain SGD update. MobileNetV2 cannot train on batch 1 (its 1×1 extras leave BatchNorm one
// value per channel, as in PyTorch), so its training rows start at batch 2.
// Usage (after `pnpm --filter @ssd/trainer... build`):
//   node bench/model-bench.js [--backend wasm] [--models mobilenet_v2_ssd320_voc0712,vgg_ssd300_voc0712]
//                             [--batches 1,2,4] [--iters 3] [--warmup 1] [--no-train]
const path = require('node:path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
const { loadConfig } = require('@ssd/config');
const { buildDetectionModel } = require('@ssd/modeling');
const { registerTrainingKernels } = require('@ssd/kernels');
const { batchOf } = require('./fixed-batch');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const backend = option('backend', 'wasm');
const models = option('models', 'mobilenet_v2_ssd320_voc0712,vgg_ssd300_voc0712').split(',');
const batches = option('batches', '1,2,4').split(',').map(Number);
const iters = Number(option('iters', '3'));
const warmup = Number(option('warmup', '1'));
const train = !process.argv.includes('--no-train');

/** Mean ms of `iters` calls after `warmup` calls. */
function time(fn) {
  for (let i = 0; i < warmup; i++) fn();
  const start = performance.now();
  for (let i = 0; i < iters; i++) fn();
  return (performance.now() - start) / iters;
}

function forwardMs(model, images) {
  return time(() => {
    const { clsLogits, bboxPred } = model.predict(images);
    clsLogits.dataSync();
    tf.dispose([clsLogits, bboxPred]);
  });
}

function trainMs(model, images, targets) {
  const vars = [...model.trainableVariables().values()];
  return time(() => {
    const { value, grads } = tf.variableGrads(() => {
      const { regLoss, clsLoss } = model.forward(images, { training: true, targets });
      return tf.add(regLoss, clsLoss);
    }, vars);
    tf.tidy(() => {
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 1e-4)));
    });
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  });
}

async function main() {
  registerTrainingKernels(backend);
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  const flags = ['WASM_HAS_SIMD_SUPPORT', 'WASM_HAS_MULTITHREAD_SUPPORT']
    .filter((f) => backend === 'wasm' && tf.env().getBool(f))
    .join(', ');
  console.log(`backend ${backend}${flags ? ` (${flags})` : ''}; mean of ${iters} after ${warmup} warm-up`);
  console.log('model                          batch  forward ms/img  train-step ms/img');
  for (const name of models) {
    const cfg = loadConfig(path.resolve(__dirname, '../../../configs', `${name}.yaml`));
    const model = buildDetectionModel(cfg);
    const hasBatchNorm = [...model.stateDict().keys()].some((k) => k.endsWith('running_var'));
    for (const n of batches) {
      const { images, targets } = batchOf(cfg, n);
      const fwd = forwardMs(model, images) / n;
      const canTrain = train && !(hasBatchNorm && n < 2);
      const step = canTrain ? (trainMs(model, images, targets) / n).toFixed(1) : '-';
      console.log(
        `${name.padEnd(30)} ${String(n).padStart(5)}  ${fwd.toFixed(1).padStart(14)}  ${step.padStart(17)}`,
      );
      tf.dispose([images, targets.boxes, targets.labels]);
    }
    model.dispose();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
