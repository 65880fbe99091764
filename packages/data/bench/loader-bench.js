// Loader throughput on the built package: images/s through decoding, train transforms (300×300) and
// prior matching, with 0 and with 2 worker threads, on a freshly generated shapes data set.
// Usage: node bench/loader-bench.js [--images N] [--batch B] [--iters I] [--workers 0,2]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { defaultConfig } = require('@ssd/config');
const { makeTrainLoader, writeShapesDataset } = require('../dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const images = Number(arg('images', 64));
  const batch = Number(arg('batch', 8));
  const iters = Number(arg('iters', 12));
  const workerCounts = String(arg('workers', '0,2')).split(',').map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssd-loader-bench-'));
  try {
    const t0 = performance.now();
    await writeShapesDataset(dir, { train: images, test: 0, seed: 0 });
    console.log(`shapes data set: ${images} images in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    const cfg = defaultConfig();
    cfg.DATASETS.CATALOG = {
      bench: {
        FORMAT: 'voc',
        DATA_DIR: dir,
        SPLIT: 'train',
        CLASS_NAMES: ['circle', 'square', 'triangle', 'star', 'hexagon'],
      },
    };
    cfg.DATASETS.TRAIN = ['bench'];
    cfg.MODEL.NUM_CLASSES = 6;
    cfg.SOLVER.BATCH_SIZE = batch;
    console.log(
      `batch ${batch}, ${iters} iterations after 1 warm-up, input ${cfg.INPUT.IMAGE_SIZE}×${cfg.INPUT.IMAGE_SIZE}, ${os.cpus().length} CPUs`,
    );
    for (const numWorkers of workerCounts) {
      let start = 0;
      let count = 0;
      let k = 0;
      for await (const b of makeTrainLoader(cfg, { numWorkers, maxIter: iters + 1 })) {
        // The first batch pays for worker start-up; time the steady state.
        if (k++ === 0) start = performance.now();
        else count += b.batchSize;
      }
      const seconds = (performance.now() - start) / 1000;
      console.log(
        `workers ${numWorkers}: ${(count / seconds).toFixed(1)} images/s (${count} images in ${seconds.toFixed(2)} s)`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
