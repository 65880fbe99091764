// Training and inference throughput of the reference detectors on one device (webgpu by default), with GPU
// time per kernel: what a training step costs on a GPU and where it goes.
//   training: forward, MultiBox loss, gradients and the SGD update, loss read back (as `ssd train` steps);
//   inference: the raw model (class logits and boxes read back), then with post-processing (`detect`).
// Per-kernel time comes from tfjs's profiler, which on webgpu times every program with GPU timestamp queries
// (when the adapter offers 'timestamp-query'; otherwise it reports 0); profiled steps run kernel by kernel,
// so only the shares matter, not their sum.
// Usage (after `pnpm build`; on Linux Dawn wants XDG_RUNTIME_DIR):
//   node bench/gpu-bench.js [--device webgpu] [--configs vgg_ssd300_voc0712,mobilenet_v2_ssd320_voc0712]
//                           [--batch 32] [--steps 5] [--top 15] [--size N (override INPUT.IMAGE_SIZE)]
const path = require('node:path');
const tf = require('@tensorflow/tfjs-core');
const { loadConfig } = require('@ssd/config');
const { buildDetectionModel } = require('@ssd/modeling');
const { initBackend } = require('@ssd/engine');
const { buildOptimizer } = require('@ssd/solver');
const { registerTrainingKernels } = require('@ssd/kernels');
// The benchmarks' fixed batch (random images, two encoded boxes each) lives with the model benchmarks.
const { batchOf } = require('./fixed-batch');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const device = option('device', 'webgpu');
const top = Number(option('top', '15'));
const size = option('size', '');
// On a software adapter (CI's llvmpipe) the defaults shrink to a correctness run: it is slower than wasm.
let configs;
let batch;
let steps;
function setDefaults(software) {
  configs = option(
    'configs',
    software ? 'mobilenet_v2_ssd320_voc0712' : 'vgg_ssd300_voc0712,mobilenet_v2_ssd320_voc0712',
  ).split(',');
  batch = Number(option('batch', software ? '2' : '32'));
  steps = Number(option('steps', software ? '1' : '5'));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median seconds of `steps` runs of the async `fn`, after one warm-up run (shader compilation). */
async function timed(fn) {
  await fn();
  const times = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

function trainStepOf(model, optimizer, images, targets) {
  const vars = [...model.trainableVariables().values()];
  return async () => {
    const { value, grads } = tf.variableGrads(() => {
      const { regLoss, clsLoss } = model.loss(images, targets);
      return tf.add(regLoss, clsLoss);
    }, vars);
    optimizer.step(grads);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
}

/** GPU milliseconds per kernel name over one profiled call of `fn`, largest first. */
async function kernelTimes(fn) {
  const profile = await tf.profile(fn);
  const byKernel = new Map();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  return [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
}

async function main() {
  let selected;
  try {
    selected = await initBackend(device);
  } catch (e) {
    // `pnpm bench` runs every package's benchmark: a machine without the device skips this one.
    console.log(`gpu-bench: skipped, ${e instanceof Error ? e.message : e}`);
    return;
  }
  const a = selected.adapter;
  setDefaults(a?.software === true);
  if (a) {
    console.log(
      `adapter: ${a.name}${a.software ? ' (software: figures for correctness only)' : ''}; features: ${a.features.join(', ') || 'none'}`,
    );
  }
  registerTrainingKernels(selected.backend);
  for (const name of configs) {
    const overrides = size ? ['INPUT.IMAGE_SIZE', size] : [];
    const cfg = structuredClone(
      loadConfig(path.resolve(__dirname, `../../../configs/${name}.yaml`), overrides),
    );
    const model = buildDetectionModel(cfg);
    const optimizer = buildOptimizer(cfg, model.trainableVariables());
    const { images, targets } = batchOf(cfg, batch);
    const s = cfg.INPUT.IMAGE_SIZE;

    const train = await timed(trainStepOf(model, optimizer, images, targets));
    const forward = await timed(async () => {
      const out = model.predict(images);
      await Promise.all([out.clsLogits.data(), out.bboxPred.data()]);
      tf.dispose([out.clsLogits, out.bboxPred]);
    });
    const detect = await timed(() => model.detect(images));
    console.log(
      `${name} ${s}×${s} batch ${batch} on ${selected.backend}: training ${(batch / train).toFixed(1)} img/s ` +
        `(${(train * 1000).toFixed(0)} ms/step); inference ${(batch / forward).toFixed(1)} img/s raw, ` +
        `${(batch / detect).toFixed(1)} img/s with post-processing (median of ${steps})`,
    );
    if (top > 0) {
      const kernels = await kernelTimes(trainStepOf(model, optimizer, images, targets));
      const total = kernels.reduce((sum, [, k]) => sum + k.ms, 0);
      // Every kernel is a dispatch with its own fixed cost on the CPU side: fewer is faster on a GPU.
      const calls = kernels.reduce((sum, [, k]) => sum + k.calls, 0);
      console.log(
        `  GPU time per kernel in one profiled training step (${total.toFixed(1)} ms in all, ${calls} kernel calls):`,
      );
      for (const [kernel, k] of kernels.slice(0, top)) {
        const share = total > 0 ? ((100 * k.ms) / total).toFixed(1) : '0.0';
        console.log(
          `  ${kernel.padEnd(40)} ${k.ms.toFixed(2).padStart(9)} ms ${share.padStart(5)}% ${String(k.calls).padStart(5)} calls`,
        );
      }
    }
    tf.dispose([images, targets.boxes, targets.labels]);
    optimizer.dispose();
    model.dispose();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
