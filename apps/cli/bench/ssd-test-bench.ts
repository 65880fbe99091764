/**
 * `ssd test` speed, side by side with the reference's PyTorch test loop: images/s over the same data set, from
 * the first image read to the mAP (loading, decoding, resizing, the model, post-processing and the VOC
 * evaluation), for ours on tfjs-wasm and on ONNX Runtime (CPU, threads = cores) — through `loadDetector` and
 * `runEvaluation`, what `ssd test` runs after parsing its options — and for PyTorch
 * (scripts/torch-reference/torch_ssd_test.py, best of 1 and all cores' threads) where python3 imports torch.
 * Same weights everywhere: one random model, written as the .pth PyTorch and our wasm path load and as the
 * .onnx ONNX Runtime runs. The data: the synthetic shapes test split (`ssd dataset shapes`), made once.
 * Usage (after `pnpm build`): pnpm --filter @ssd/cli bench [-- --models a,b --images 100 --sides torch,wasm,ort
 *   --batch N --workers N --data DIR]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type SSDConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { type Detector, initBackend, loadDetector, writeTorchCheckpoint } from '@ssd/engine';
import { runEvaluation } from '@ssd/inference';
import { SSDDetector } from '@ssd/modeling';
import { exportOnnx } from '@ssd/onnx';
import * as tf from '@tensorflow/tfjs-core';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const MODELS = option('models', 'mobilenet_v2_ssd320_voc0712,vgg_ssd300_voc0712').split(',');
const IMAGES = Number(option('images', '100'));
const SIDES = new Set(option('sides', 'torch,wasm,ort').split(','));
const THREADS = availableParallelism();
// Made once per size and reused, so runs compare on the same files.
const DATA = option('data', path.join(tmpdir(), `ssd-test-bench-shapes-${IMAGES}`));
// The Python side lives with the other PyTorch benchmarks (one definition of the reference's models).
const TORCH_DIR = path.resolve(__dirname, '../../../../../scripts/torch-reference');
const { findTorchPython } = require(path.join(TORCH_DIR, 'find-python.js')) as {
  findTorchPython(): { python?: string; why?: string };
};

/** What one side measured: images/s over the whole loop and the mAP it got. */
interface SideResult {
  imagesPerSecond: number;
  mAP: number | null;
  note?: string;
}

/**
 * The reference config with the shapes data's classes as its only change: the test split is the shapes one,
 * NUM_CLASSES its 5 classes + background (narrower class heads; backbone, extras and priors unchanged).
 */
function benchConfig(name: string): SSDConfig {
  const overrides = ['MODEL.NUM_CLASSES', '6', 'DATASETS.TEST', '("shapes_test",)', 'MODEL.DEVICE', 'wasm'];
  overrides.push('MODEL.BACKBONE.PRETRAINED', 'False');
  if (option('batch', '')) overrides.push('TEST.BATCH_SIZE', option('batch', ''));
  if (option('workers', '')) overrides.push('DATA_LOADER.NUM_WORKERS', option('workers', ''));
  return loadConfig(name, overrides);
}

/** `ssd test`'s work after option parsing, timed from data set construction to metrics; the model warmed up. */
async function ourSide(cfg: SSDConfig, ckpt: string, outputDir: string, images: number): Promise<SideResult> {
  const { model } = await loadDetector(cfg, ckpt, () => {});
  try {
    await warmUp(model, cfg);
    const start = performance.now();
    const results = await runEvaluation(model, cfg, { outputDir, progress: false, log: () => {} });
    const seconds = (performance.now() - start) / 1000;
    return { imagesPerSecond: images / seconds, mAP: results.shapes_test!.metrics.mAP as number | null };
  } finally {
    model.dispose();
  }
}

/** One untimed batch through the detector: first-call kernel compilation and allocations, as PyTorch's side does. */
async function warmUp(model: Detector, cfg: SSDConfig): Promise<void> {
  const size = cfg.INPUT.IMAGE_SIZE;
  const images = tf.zeros([cfg.TEST.BATCH_SIZE, size, size, 3]) as tf.Tensor4D;
  try {
    await model.detect(images);
  } finally {
    images.dispose();
  }
}

/** The PyTorch loop with 1 and with all cores' threads (its spinning OpenMP threads can lose on a busy machine). */
function torchSide(python: string, name: string, configFile: string, pth: string): SideResult {
  const runs = [...new Set([1, THREADS])].map((threads) => {
    const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
    const flags = { config: configFile, data: DATA, ckpt: pth, model: name };
    const args = [
      path.join(TORCH_DIR, 'torch_ssd_test.py'),
      ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]),
    ];
    const out = execFileSync(python, args, { encoding: 'utf8', env });
    const row = JSON.parse(out.trim().split('\n').pop()!) as { images_per_s: number; mAP: number | null };
    return { threads, imagesPerSecond: row.images_per_s, mAP: row.mAP };
  });
  const best = runs.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  const note = runs.map((r) => `${r.threads} thr ${r.imagesPerSecond.toFixed(2)}`).join(', ');
  return { imagesPerSecond: best.imagesPerSecond, mAP: best.mAP, note };
}

const fmt = (r: SideResult | undefined, digits = 2) => (r ? r.imagesPerSecond.toFixed(digits) : '-');
// Random weights give an mAP near 0: four significant digits show how closely the sides agree.
const mapOf = (r: SideResult | undefined) => (r?.mAP == null ? '-' : r.mAP.toPrecision(4));
const ratio = (a: SideResult | undefined, b: SideResult | undefined) =>
  a && b ? `${(a.imagesPerSecond / b.imagesPerSecond).toFixed(2)}×` : '-';

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'ImageSets', 'Main', 'test.txt'))) {
    console.log(`writing ${IMAGES} shapes test images to ${DATA}`);
    await writeShapesDataset(DATA, { train: 0, test: IMAGES, seed: 0 });
  }
  const split = readFileSync(path.join(DATA, 'ImageSets', 'Main', 'test.txt'), 'utf8');
  const images = split.split('\n').filter(Boolean).length;
  // The shapes catalog entries read $SHAPES_ROOT.
  process.env.SHAPES_ROOT = DATA;
  // Models are built (and written as .pth and .onnx) on the backend ssd test's wasm side uses.
  await initBackend('wasm', () => {});
  const { python, why } = SIDES.has('torch') ? findTorchPython() : { python: undefined, why: undefined };
  const cfg0 = benchConfig(MODELS[0]!);
  console.log(
    `ssd test on ${images} shapes images (${DATA}), TEST.BATCH_SIZE ${cfg0.TEST.BATCH_SIZE}, ` +
      `DATA_LOADER.NUM_WORKERS ${cfg0.DATA_LOADER.NUM_WORKERS}; ONNX Runtime ${THREADS} threads, ` +
      `PyTorch best of 1 and ${THREADS} threads; one warm-up batch per side, then one timed pass`,
  );
  if (why) console.log(`${why}: PyTorch column skipped`);
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-test-bench-'));
  const rows: string[] = [];
  try {
    for (const name of MODELS) {
      const cfg = benchConfig(name);
      const model = new SSDDetector(cfg, { seed: 1 });
      const pth = path.join(dir, `${name}.pth`);
      const onnx = path.join(dir, `${name}.onnx`);
      const configFile = path.join(dir, `${name}.json`);
      writeFileSync(
        pth,
        writeTorchCheckpoint({ stateDict: model.torchStateDict(), extras: { iteration: 0 } }),
      );
      writeFileSync(onnx, exportOnnx(model));
      writeFileSync(configFile, JSON.stringify(cfg));
      model.dispose();
      const torch = python ? torchSide(python, name, configFile, pth) : undefined;
      const wasm = SIDES.has('wasm') ? await ourSide(cfg, pth, path.join(dir, 'wasm'), images) : undefined;
      const ort = SIDES.has('ort') ? await ourSide(cfg, onnx, path.join(dir, 'ort'), images) : undefined;
      const row =
        `${name.padEnd(30)}${fmt(torch).padStart(13)}${fmt(wasm).padStart(17)}${fmt(ort).padStart(11)}` +
        `${ratio(ort, torch).padStart(13)}${ratio(wasm, torch).padStart(14)}` +
        `   ${mapOf(torch)} / ${mapOf(wasm)} / ${mapOf(ort)}`;
      rows.push(row + (torch?.note ? `   (PyTorch: ${torch.note})` : ''));
      console.log(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nmodel                         PyTorch img/s  tfjs-wasm img/s  ORT img/s  ORT/PyTorch  wasm/PyTorch   mAP PyTorch / wasm / ORT`,
  );
  for (const row of rows) console.log(row);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
