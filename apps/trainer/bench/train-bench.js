// Training throughput (images/s) of the reference detectors on wasm with 1 and more worker threads, as
// `ssd train` steps them: forward, MultiBox loss, gradients (split over threads and micro-batches) and the SGD
// update. With --torch, the same batch through PyTorch (scripts/torch-reference/torch_train_step.py, where python3-torch is
// installed), with OMP_NUM_THREADS = the most workers, side by side.
// Usage (after `pnpm build`):
//   node bench/train-bench.js [--runs mobilenet_v2_ssd320_voc0712:8,vgg_ssd300_voc0712:4] [--workers 1,2]
//                             [--steps 3] [--micro 0] [--conv auto,tfjs] [--torch]
// --conv: SOLVER.CONV_RUNTIME values to compare (onnxruntime runs the convolutions on ONNX Runtime's CPU kernels).
// With --whole, the whole job instead: `ssd train` and the reference's train.py side by side (see whole-job.js):
//   node bench/train-bench.js --whole --reference /path/to/lufficc-SSD [--runs NAME:BATCH,…] [--iters 20]
//                             [--images 600] [--data DIR] [--loader-workers N] [--order torch,ssd]
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const tf = require('@tensorflow/tfjs-core');
const { loadConfig } = require('@ssd/config');
const { buildDetectionModel } = require('@ssd/modeling');
const { buildOptimizer } = require('@ssd/solver');
const { initBackend } = require('@ssd/engine');
const { createStepRunner, setUpTrainingKernels } = require('../dist');
// The benchmarks' fixed batch (random images, two encoded boxes each) lives with the model benchmarks.
const { batchOf } = require('./fixed-batch');
const { findTorchPython } = require('../../../scripts/torch-reference/find-python');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const runs = option('runs', 'mobilenet_v2_ssd320_voc0712:8,vgg_ssd300_voc0712:4')
  .split(',')
  .map((r) => r.split(':'))
  .map(([name, batch]) => ({ name, batch: Number(batch) }));
const workerCounts = option('workers', '1,2').split(',').map(Number);
const steps = Number(option('steps', '3'));
const micro = option('micro', '0');
const convRuntimes = option('conv', 'auto').split(',');
const torch = process.argv.includes('--torch');

/** The fixed batch as the loader gives it (plain arrays). */
function trainBatch(cfg, n) {
  const { images, targets } = batchOf(cfg, n);
  const batch = {
    iteration: 0,
    indices: [...Array(n).keys()],
    batchSize: n,
    imageSize: cfg.INPUT.IMAGE_SIZE,
    numPriors: targets.labels.shape[1],
    images: images.dataSync().slice(),
    locations: targets.boxes.dataSync().slice(),
    labels: targets.labels.dataSync().slice(),
  };
  tf.dispose([images, targets.boxes, targets.labels]);
  return batch;
}

/** Images per second over `steps` steps after one warm-up step (which also sizes the micro-batches). */
async function imagesPerSecond(name, n, workers, conv) {
  const cfg = loadConfig(path.resolve(__dirname, '../../../configs', `${name}.yaml`), [
    ...['MODEL.DEVICE', 'wasm', 'SOLVER.BATCH_SIZE', String(n), 'SOLVER.CONV_RUNTIME', conv],
    ...['SOLVER.TRAIN_WORKERS', String(workers), 'SOLVER.MICRO_BATCH', micro],
  ]);
  console.log(`  ${setUpTrainingKernels(cfg)}`);
  const model = buildDetectionModel(cfg);
  const optimizer = buildOptimizer(cfg, model.trainableVariables());
  const runner = await createStepRunner(cfg, model, optimizer, { log: (l) => console.log(`  ${l}`) });
  try {
    const batch = trainBatch(cfg, n);
    await runner.step(batch);
    const start = performance.now();
    for (let i = 0; i < steps; i++) await runner.step(batch);
    return (n * steps) / ((performance.now() - start) / 1000);
  } finally {
    await runner.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** PyTorch's images/s on the same model and batch size, or undefined where python3-torch is missing. */
function torchImagesPerSecond(name, n, threads) {
  const script = path.join(__dirname, '../../../scripts/torch-reference/torch_train_step.py');
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
  const { python, why } = findTorchPython();
  if (python) {
    const r = spawnSync(python, [script, name, String(n), String(steps)], { env, encoding: 'utf8' });
    if (r.status === 0) return Number(r.stdout.trim().split('\n').pop());
    console.log(`  PyTorch side failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  } else {
    console.log(`  PyTorch side skipped (${why})`);
  }
  return undefined;
}

async function main() {
  await initBackend('wasm', (l) => console.log(l));
  const rows = [];
  for (const { name, batch } of runs) {
    for (const conv of convRuntimes) {
      for (const workers of workerCounts) {
        const ips = await imagesPerSecond(name, batch, workers, conv);
        console.log(
          `${name} batch ${batch}, ${workers} worker(s), convolutions ${conv}: ${ips.toPrecision(3)} img/s`,
        );
        rows.push({ name, batch, workers, conv, ips });
      }
    }
    if (torch) {
      const threads = Math.max(...workerCounts);
      const ref = torchImagesPerSecond(name, batch, threads);
      if (ref === undefined) continue;
      console.log(`${name} batch ${batch}, PyTorch ${threads} threads: ${ref.toPrecision(3)} img/s`);
      for (const r of rows.filter((r) => r.name === name)) {
        console.log(`  ${r.workers} worker(s), convolutions ${r.conv}: ${(r.ips / ref).toFixed(2)}× PyTorch`);
      }
    }
  }
}

(process.argv.includes('--whole') ? require('./whole-job').wholeJobs(process.argv) : main()).catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
