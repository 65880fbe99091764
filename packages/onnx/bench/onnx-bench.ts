/**
 * Inference speed of the same detector on ONNX Runtime (CPU, threads = cores) and on tfjs (wasm), and — where
 * python3 can import torch — PyTorch's (CPU, same threads) on the same architecture, side by side in one run.
 * Rows: the raw model (images in, scores and boxes out) and detection (plus our NMS post-processing).
 * Usage (after `pnpm --filter @ssd/onnx build`): pnpm bench [-- --models a,b --batch 1 --iters 5]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { SSDDetector } from '@ssd/modeling';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { exportOnnx, OnnxDetector, toNCHW } from '../src';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const MODELS = option('models', 'mobilenet_v2_ssd320_voc0712,vgg_ssd300_voc0712').split(',');
const BATCH = Number(option('batch', '1'));
const ITERS = Number(option('iters', '5'));
const WARMUP = Number(option('warmup', '2'));
const THREADS = availableParallelism();

/** Mean ms per image of `iters` calls after `warmup` calls. */
async function msPerImage(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < ITERS; i++) await fn();
  return (performance.now() - start) / ITERS / BATCH;
}

// The Python benchmarks share the reference's model definitions in scripts/torch-reference.
const TORCH_DIR = path.resolve(__dirname, '../../../../../scripts/torch-reference');
const { findTorchPython } = require(path.join(TORCH_DIR, 'find-python.js')) as {
  findTorchPython(): { python?: string; why?: string };
};

/** One run of the PyTorch script with `threads` OpenMP threads: ms per image by model. */
function torchRun(python: string, threads: number): Map<string, number> {
  const script = path.join(TORCH_DIR, 'torch_ssd_bench.py');
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
  const args = [script, '--models', MODELS.join(','), '--batch', String(BATCH), '--iters', String(ITERS)];
  const out = execFileSync(python, [...args, '--warmup', String(WARMUP)], { encoding: 'utf8', env });
  const rows = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { model: string; ms_per_image: number });
  return new Map(rows.map((r) => [r.model, r.ms_per_image]));
}

/**
 * PyTorch's ms per image by model — the better of 1 and all cores' threads, because its OpenMP threads wait
 * for each other spinning and collapse when other work shares the cores — or why there is no PyTorch column.
 */
function torchTimes(): Map<string, number> | string {
  const { python, why } = findTorchPython();
  if (!python) return `${why}: PyTorch column skipped`;
  const runs = [...new Set([1, THREADS])].map((threads) => torchRun(python, threads));
  return new Map(MODELS.map((m) => [m, Math.min(...runs.map((r) => r.get(m) ?? Number.POSITIVE_INFINITY))]));
}

const imgPerSecond = (ms: number | undefined) => (ms === undefined ? '-' : (1000 / ms).toFixed(2));

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const torch = torchTimes();
  console.log(
    `batch ${BATCH}, mean of ${ITERS} after ${WARMUP} warm-up; ONNX Runtime CPU ${THREADS} threads, PyTorch best of 1 and ${THREADS}, tfjs wasm`,
  );
  if (typeof torch === 'string') console.log(torch);
  console.log(
    'model                         row      PyTorch img/s  tfjs-wasm img/s  ORT img/s  ORT/PyTorch  ORT/wasm',
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-onnx-bench-'));
  try {
    for (const name of MODELS) {
      const cfg = loadConfig(name);
      const size = cfg.INPUT.IMAGE_SIZE;
      const model = new SSDDetector(cfg, { seed: 1 });
      const file = path.join(dir, `${name}.onnx`);
      writeFileSync(file, exportOnnx(model));
      const onnx = await OnnxDetector.load(file, cfg, { threads: THREADS });
      const images = tf.randomUniform([BATCH, size, size, 3], -120, 130, 'float32', 3) as tf.Tensor4D;
      const nchw = toNCHW(images.dataSync() as Float32Array, BATCH, size);
      const raw = {
        wasm: await msPerImage(async () => {
          const { clsLogits, bboxPred } = model.predict(images);
          await clsLogits.data();
          tf.dispose([clsLogits, bboxPred]);
        }),
        ort: await msPerImage(() => onnx.run(nchw, BATCH)),
      };
      const detect = {
        wasm: await msPerImage(() => model.detect(images)),
        ort: await msPerImage(() => onnx.detect(images)),
      };
      const pytorch = typeof torch === 'string' ? undefined : torch.get(name);
      for (const [row, t, withTorch] of [
        ['model', raw, pytorch],
        ['detect', detect, undefined],
      ] as const) {
        console.log(
          `${name.padEnd(30)}${row.padEnd(9)}${imgPerSecond(withTorch).padStart(13)}${imgPerSecond(t.wasm).padStart(17)}` +
            `${imgPerSecond(t.ort).padStart(11)}${(withTorch ? `${(withTorch / t.ort).toFixed(2)}×` : '-').padStart(13)}` +
            `${`${(t.wasm / t.ort).toFixed(2)}×`.padStart(10)}`,
        );
      }
      images.dispose();
      onnx.dispose();
      model.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
