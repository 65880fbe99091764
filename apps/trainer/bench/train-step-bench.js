// Training-step time of the MobileNetV2-SSDLite detector on one tfjs backend (wasm by default): training-mode
// forward, MultiBox loss and the gradients of every trainable variable (no optimizer update), as the quick
// start runs it. Prints the median ms per step and per image over several steps, then where a step's time
// goes per kernel (self time: a kernel built from other kernels does not count theirs), measured on a few
// more steps with every kernel of the backend wrapped in a timer.
// Usage (after `pnpm --filter @ssd/trainer... build`):
//   node bench/train-step-bench.js [--backend wasm] [--runs 160x8,320x2] [--steps 5] [--top 15] [--profile-steps 3] [--by-shape]
//                                  [--config vgg_ssd300_voc0712 --runs 300x2] [--ort-threads 2]
// --ort-threads N runs the convolutions on ONNX Runtime's CPU kernels with N threads (wasm only).
// Each run is SIZExBATCH; 160 uses the quick start's feature maps [10, 5, 3, 2, 1, 1] and 6 classes.
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
const runs = option('runs', '160x8,320x2')
  .split(',')
  .map((r) => r.split('x').map(Number));
const steps = Number(option('steps', '5'));
const top = Number(option('top', '15'));
/** Also list the costliest kernel calls grouped by kernel and input shapes. */
const byShape = process.argv.includes('--by-shape');
const profileSteps = Number(option('profile-steps', '3'));
/** --config NAME profiles that shipped config as it is (runs: its own IMAGE_SIZE, e.g. --config vgg_ssd300_voc0712 --runs 300x2). */
const namedConfig = option('config', undefined);
const ortThreads = option('ort-threads', undefined);
const CONFIG = path.resolve(__dirname, '../../../configs/mobilenet_v2_ssd320_voc0712.yaml');
/** Feature-map sizes of the SSDLite heads for a given input size (the reference's are for 320). */
const FEATURE_MAPS = { 160: '[10, 5, 3, 2, 1, 1]', 320: '[20, 10, 5, 3, 2, 1]' };

function configFor(size) {
  if (namedConfig) {
    const cfg = loadConfig(path.resolve(__dirname, '../../../configs', `${namedConfig}.yaml`));
    if (cfg.INPUT.IMAGE_SIZE !== size)
      throw new Error(`train-step-bench: ${namedConfig} takes ${cfg.INPUT.IMAGE_SIZE}`);
    return cfg;
  }
  const maps = FEATURE_MAPS[size];
  if (!maps) throw new Error(`train-step-bench: no feature maps known for input size ${size}`);
  return loadConfig(CONFIG, [
    'INPUT.IMAGE_SIZE',
    String(size),
    'MODEL.PRIORS.FEATURE_MAPS',
    maps,
    'MODEL.NUM_CLASSES',
    '6',
  ]);
}

/** One step: loss and gradients, read back so that the step really finished. */
function stepOf(model, images, targets) {
  const vars = [...model.trainableVariables().values()];
  return () => {
    const { value, grads } = tf.variableGrads(() => {
      const { regLoss, clsLoss } = model.loss(images, targets);
      return tf.add(regLoss, clsLoss);
    }, vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Wraps every kernel registered for `backendName` to time it while `stats.on` is set: wall time minus the
 * time of the kernels it runs itself (the gradient kernels built from other kernels), summed per kernel
 * name, or per name and input shapes with --by-shape. wasm kernels are synchronous, so wall time is theirs.
 */
function instrumentKernels(backendName) {
  const stats = { on: false, byKernel: new Map() };
  const childTime = [];
  for (const config of tf.getKernelsForBackend(backendName)) {
    const { kernelName, kernelFunc } = config;
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (!stats.on) return kernelFunc(args);
        const start = performance.now();
        childTime.push(0);
        try {
          return kernelFunc(args);
        } finally {
          const ms = performance.now() - start;
          const self = ms - childTime.pop();
          if (childTime.length > 0) childTime[childTime.length - 1] += ms;
          const shapes = Object.values(args.inputs).map((t) => t?.shape);
          const key = byShape ? `${kernelName} ${JSON.stringify(shapes)}` : kernelName;
          const entry = stats.byKernel.get(key) ?? { ms: 0, calls: 0 };
          entry.ms += self;
          entry.calls++;
          stats.byKernel.set(key, entry);
        }
      },
    });
  }
  return stats;
}

/**
 * Self time per kernel in a step, largest first: the least of `profileSteps` instrumented steps per kernel,
 * which keeps out most of what other processes on a shared machine add.
 */
function topKernels(stats, step) {
  const least = new Map();
  for (let i = 0; i < profileSteps; i++) {
    stats.byKernel.clear();
    stats.on = true;
    try {
      step();
    } finally {
      stats.on = false;
    }
    for (const [key, entry] of stats.byKernel) {
      const prev = least.get(key);
      if (prev == null || entry.ms < prev.ms) least.set(key, { ...entry });
    }
  }
  return [...least.entries()].sort((a, b) => b[1].ms - a[1].ms);
}

async function main() {
  registerTrainingKernels(backend, { ortThreads: ortThreads === undefined ? null : Number(ortThreads) });
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  const stats = instrumentKernels(backend);
  for (const [size, n] of runs) {
    const cfg = configFor(size);
    const model = buildDetectionModel(cfg);
    const { images, targets } = batchOf(cfg, n);
    const step = stepOf(model, images, targets);
    step();
    const times = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      step();
      times.push(performance.now() - start);
    }
    const ms = median(times);
    console.log(
      `${backend} ${size}×${size} batch ${n}: ${ms.toFixed(0)} ms/step, ${(ms / n).toFixed(1)} ms/image ` +
        `(median of ${steps}: ${times.map((t) => t.toFixed(0)).join(' ')})`,
    );
    if (top > 0) {
      const kernels = topKernels(stats, step);
      const total = kernels.reduce((sum, [, k]) => sum + k.ms, 0);
      console.log(
        `  kernel self time per step (least of ${profileSteps} instrumented steps per kernel): ${total.toFixed(0)} ms`,
      );
      for (const [name, k] of kernels.slice(0, top)) {
        console.log(
          `  ${name.padEnd(byShape ? 70 : 38)} ${k.ms.toFixed(1).padStart(8)} ms ${String(k.calls).padStart(5)} calls`,
        );
      }
    }
    tf.dispose([images, targets.boxes, targets.labels]);
    model.dispose();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
