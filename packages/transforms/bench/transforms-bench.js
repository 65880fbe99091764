// Micro-benchmark: train-time transform throughput on the 500×375 demo photo → 300×300 (one thread).
// Run after building: `pnpm --filter @ssd/transforms bench` (or `node bench/transforms-bench.js [seconds]`).
// Prints images/s by wall clock and by this process's CPU time (steadier on a busy machine).
const path = require('node:path');
const sharp = require('sharp');
const t = require('../dist');
const { Rng } = require('@ssd/random');

const PHOTO = path.resolve(__dirname, '../../../fixtures/demo-images/000342.jpg');
const SIZE = 300;
const MEAN = [123, 117, 104];
const seconds = Number(process.argv[2] ?? 5);

function measure(name, transform, sample) {
  const rng = new Rng(0);
  for (let i = 0; i < 50; i++) transform(sample, rng); // warm up the JIT
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    transform(sample, rng);
    n++;
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  console.log(
    `${name}: ${(n / wall).toFixed(1)} images/s wall, ${(n / cpu).toFixed(1)} images/s CPU ` +
      `(${((cpu / n) * 1e3).toFixed(2)} ms CPU/image, ${n} images)`,
  );
}

async function main() {
  const { data, info } = await sharp(PHOTO).raw().toBuffer({ resolveWithObject: true });
  const sample = {
    image: new Uint8Array(data),
    width: info.width,
    height: info.height,
    boxes: Float32Array.from([48, 240, 195, 371, 8, 12, 352, 370, 300, 50, 480, 200]),
    labels: Int32Array.from([12, 15, 7]),
  };
  console.log(`${info.width}×${info.height} → ${SIZE}×${SIZE}, node ${process.version}, one thread`);
  const cfg = { INPUT: { IMAGE_SIZE: SIZE, PIXEL_MEAN: MEAN } };
  measure('train transform', t.buildTransforms(cfg, true), sample);
  const unfused = t.compose(
    t.convertFromInts(),
    t.photometricDistort(),
    t.expand(MEAN),
    t.randomSampleCrop(),
    t.randomMirror(),
    t.toPercentCoords(),
    t.resize(SIZE),
    t.subtractMeans(MEAN),
    t.toTensor(),
  );
  measure('train transform, geometry unfused', unfused, sample);
  measure('test transform', t.buildTransforms(cfg, false), sample);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
