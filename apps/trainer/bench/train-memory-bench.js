// Where a training pass's memory goes on wasm, per image: what the tape keeps for the backward pass by layer group
// (each group's tensors the tape saved first, weights apart), and the real peaks of wasm's allocations in the
// forward and backward passes (every tensor allocation counted once, shared data once), with wasm's heap after.
// One thread, the trainer's own pass (GradientAccumulator: forward, lean backward, BatchNorm kernels, ONNX Runtime
// convolutions where installed).
// Usage (after `pnpm build`): node bench/train-memory-bench.js [--runs mobilenet_v2_ssd320_voc0712:8,vgg_ssd300_voc0712:4]
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const tf = require('@tensorflow/tfjs-core');
const { loadConfig } = require('@ssd/config');
const { buildDetectionModel } = require('@ssd/modeling');
const { initBackend } = require('@ssd/engine');
const { setUpTrainingKernels } = require('../dist');
const { GradientAccumulator } = require('../dist/step/accumulate');
const { batchOf } = require('./fixed-batch');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Counts wasm's live allocations (the backend's own mallocs: every tensor's data) and their peak. */
function allocationCounter(wasm) {
  // Emscripten's first call of each replaces the module's property with the raw export: make it before wrapping.
  wasm._free(wasm._malloc(16));
  const sizes = new Map();
  const counter = { live: 0, peak: 0 };
  const malloc = wasm._malloc;
  const free = wasm._free;
  wasm._malloc = (n) => {
    const p = malloc(n);
    sizes.set(p >>> 0, n);
    counter.live += n;
    counter.peak = Math.max(counter.peak, counter.live);
    return p;
  };
  wasm._free = (p) => {
    counter.live -= sizes.get(p >>> 0) ?? 0;
    sizes.delete(p >>> 0);
    return free(p);
  };
  return counter;
}

/** The model's layer groups: each top-level layer of its backbone's sequences and lists, then the box head. */
function layerGroups(model) {
  const groups = [];
  for (const [name, part] of Object.entries(model.backbone)) {
    const layers = Array.isArray(part) ? part : Array.isArray(part?.layers) ? part.layers : null;
    if (layers) {
      for (const [i, layer] of layers.entries())
        groups.push({ name: `backbone.${name}.${i}`, module: layer });
    } else if (part && typeof part.forward === 'function')
      groups.push({ name: `backbone.${name}`, module: part });
  }
  groups.push({ name: 'box_head (predictors, loss)', module: model.boxHead, methods: ['predict', 'loss'] });
  return groups;
}

/**
 * Wraps each group's forward methods to note the tape nodes it records; returns a function that, given the tape,
 * gives the bytes each group's nodes saved first (weights apart).
 */
function attributeTape(engine, groups) {
  const spans = [];
  for (const group of groups) {
    for (const method of group.methods ?? ['forward', 'forwardFused']) {
      const own = group.module[method];
      if (typeof own !== 'function') continue;
      group.module[method] = function (...args) {
        const from = engine.state.activeTape?.length ?? 0;
        try {
          return own.apply(this, args);
        } finally {
          if (engine.state.activeTape)
            spans.push({ group: group.name, from, to: engine.state.activeTape.length });
        }
      };
    }
  }
  return (tape, weights) => {
    const owner = new Array(tape.length).fill('other (images, targets)');
    // Inner spans first, outer ones then claim only what is left.
    for (const { group, from, to } of [...spans].sort((a, b) => a.to - a.from - (b.to - b.from))) {
      for (let i = from; i < to; i++) if (owner[i] === 'other (images, targets)') owner[i] = group;
    }
    const seen = new Set();
    const bytes = new Map();
    tape.forEach((node, i) => {
      for (const t of node.saved ?? []) {
        if (t.isDisposed || seen.has(t.dataId)) continue;
        seen.add(t.dataId);
        const name = weights.has(t.dataId) ? 'weights (shared, not copied)' : owner[i];
        bytes.set(name, (bytes.get(name) ?? 0) + t.size * 4);
      }
    });
    spans.length = 0;
    return bytes;
  };
}

async function profile(name, n) {
  const cfg = loadConfig(path.resolve(__dirname, '../../../configs', `${name}.yaml`), [
    ...['MODEL.DEVICE', 'wasm', 'SOLVER.BATCH_SIZE', String(n), 'SOLVER.TRAIN_WORKERS', '1'],
  ]);
  console.log(`${name}, ${n} images in one pass (${setUpTrainingKernels(cfg)})`);
  const model = buildDetectionModel(cfg);
  const engine = tf.engine();
  const wasm = tf.backend().wasm;
  const counter = allocationCounter(wasm);
  const weights = new Set([...model.stateDict().values()].map((v) => v.dataId));
  const savedBy = attributeTape(engine, layerGroups(model));
  const { images, targets } = batchOf(cfg, n);
  const batch = {
    iteration: 0,
    imageSize: cfg.INPUT.IMAGE_SIZE,
    numPriors: targets.labels.shape[1],
    images: images.dataSync().slice(),
    locations: targets.boxes.dataSync().slice(),
    labels: targets.labels.dataSync().slice(),
  };
  tf.dispose([images, targets.boxes, targets.labels]);
  let byGroup;
  let forwardPeak = 0;
  const loss = model.loss.bind(model);
  model.loss = (...args) => {
    const out = loss(...args);
    byGroup = savedBy(engine.state.activeTape, weights);
    forwardPeak = counter.peak;
    return out;
  };
  // The first pass sets up kernels and sessions; the second is measured.
  for (let pass = 0; pass < 2; pass++) {
    const base = counter.live;
    counter.peak = base;
    const acc = new GradientAccumulator(model, n, false);
    acc.add(batch, { start: 0, count: n, weight: 1 });
    const { grads, losses } = acc.finish();
    tf.dispose([losses, ...Object.values(grads)]);
    if (pass === 0) continue;
    const mb = (bytes) => (bytes / n / 1e6).toFixed(1);
    console.log('| layer group | kept for backward, MB per image |');
    console.log('| --- | --- |');
    let total = 0;
    for (const [group, bytes] of byGroup) {
      if (group.startsWith('weights')) continue;
      total += bytes;
      console.log(`| ${group} | ${mb(bytes)} |`);
    }
    console.log(`| **total** | **${mb(total)}** |`);
    console.log(
      `peak allocations per image: forward ${mb(forwardPeak - base)} MB, whole pass ${mb(counter.peak - base)} MB;` +
        ` wasm heap ${(wasm.HEAPU8.byteLength / 1e6).toFixed(0)} MB`,
    );
  }
  model.dispose();
}

async function main() {
  const runs = option('runs', 'mobilenet_v2_ssd320_voc0712:8,vgg_ssd300_voc0712:4').split(',');
  if (runs.length > 1) {
    // One process per run: wasm's heap never shrinks, so each run's heap is its own.
    for (const run of runs) {
      const r = spawnSync(process.execPath, [__filename, '--runs', run], { stdio: 'inherit' });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    return;
  }
  await initBackend('wasm', () => {});
  const [name, batch] = runs[0].split(':');
  await profile(name, Number(batch));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
