/**
 * `ssd test` on the shapes test split in one process, and as a coordinator (`ssd test --redis`) with 1 and
 * with 2 `ssd worker`s: wall time of the `ssd test` command, from start to metrics.json. Workers are
 * started fresh for each run and idle when the coordinator starts (a long-running service); each loads the
 * model on its first shard, as the single process loads it. Every distributed run's metrics.json must equal
 * the single-process one. Same random weights everywhere (the quick start's model, MobileNetV2-SSDLite 160).
 * Needs a Redis: `redis-server --port 6379 --save ''` in another terminal.
 * Usage (after `pnpm build`): pnpm --filter @ssd/cli bench:distributed [-- --redis redis://127.0.0.1:6379
 *   --images 100 --shard-size 64 --repeat 3 --data DIR]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { writeShapesDataset } from '@ssd/data';
import { initBackend, writeTorchCheckpoint } from '@ssd/engine';
import { SSDDetector } from '@ssd/modeling';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const REDIS = option('redis', 'redis://127.0.0.1:6379');
const IMAGES = Number(option('images', '100'));
const SHARD_SIZE = option('shard-size', '64');
const REPEAT = Number(option('repeat', '3'));
const DATA = option('data', path.join(tmpdir(), `ssd-test-bench-shapes-${IMAGES}`));
const CONFIG = 'quickstart_mobilenet_v2_ssdlite_shapes';
const BIN = path.resolve(__dirname, '../../../dist/bin.js');

interface Running {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Running {
  const proc = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SHAPES_ROOT: DATA },
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return {
    proc,
    output: () => out,
    exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))),
  };
}

async function until(r: Running, re: RegExp): Promise<void> {
  while (!re.test(r.output())) {
    if (r.proc.exitCode !== null) throw new Error(`exited early:\n${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Wall seconds of one `ssd test` run, with `workers` fresh workers (0: one process, no Redis). */
async function timedRun(workers: number, ckpt: string, outputDir: string): Promise<number> {
  const queue = `bench-${process.pid}-${Date.now()}`;
  const pool = Array.from({ length: workers }, () => start(['worker', '--redis', REDIS, '--queue', queue]));
  try {
    for (const w of pool) await until(w, /taking shards/);
    const args = [
      'test',
      '--config-file',
      CONFIG,
      '--ckpt',
      ckpt,
      '--output_dir',
      outputDir,
      'MODEL.DEVICE',
      'wasm',
    ];
    if (workers > 0) args.push('--redis', REDIS, '--queue', queue, '--shard-size', SHARD_SIZE);
    const t0 = performance.now();
    const run = start(args);
    const code = await run.exited;
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`ssd test ${args.join(' ')} failed:\n${run.output()}`);
    return seconds;
  } finally {
    for (const w of pool) w.proc.kill('SIGTERM');
    await Promise.all(pool.map((w) => w.exited));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'ImageSets', 'Main', 'test.txt'))) {
    console.log(`writing ${IMAGES} shapes test images to ${DATA}`);
    await writeShapesDataset(DATA, { train: 0, test: IMAGES, seed: 0 });
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-distributed-bench-'));
  await initBackend('wasm', () => {});
  const cfg = loadConfig(CONFIG, ['MODEL.DEVICE', 'wasm']);
  const model = new SSDDetector(cfg, { seed: 1 });
  const ckpt = path.join(dir, 'model.pth');
  writeFileSync(ckpt, writeTorchCheckpoint({ stateDict: model.torchStateDict(), extras: { iteration: 0 } }));
  model.dispose();
  console.log(
    `ssd test, ${CONFIG} (random weights, wasm), ${IMAGES} shapes test images, --shard-size ${SHARD_SIZE}, ` +
      `Redis ${REDIS}; median of ${REPEAT} runs, the variants interleaved`,
  );
  const variants = [0, 1, 2];
  const seconds = new Map<number, number[]>(variants.map((w) => [w, []]));
  const metrics = new Map<number, string>();
  for (let r = 0; r < REPEAT; r++) {
    for (const w of variants) {
      const out = path.join(dir, `out-${w}-${r}`);
      seconds.get(w)!.push(await timedRun(w, ckpt, out));
      const m = readFileSync(path.join(out, 'shapes_test', 'metrics.json'), 'utf8');
      if (metrics.has(w) && metrics.get(w) !== m)
        throw new Error(`${w} workers: metrics differ between runs`);
      metrics.set(w, m);
    }
  }
  for (const w of variants) {
    if (metrics.get(w) !== metrics.get(0))
      throw new Error(`${w} workers: metrics.json differs from one process`);
  }
  const single = median(seconds.get(0)!);
  console.log('variant                      wall s (median)  runs                    vs one process');
  for (const w of variants) {
    const s = median(seconds.get(w)!);
    const name = w === 0 ? 'one process' : `coordinator + ${w} worker${w > 1 ? 's' : ''}`;
    console.log(
      `${name.padEnd(29)}${s.toFixed(2).padStart(15)}  ${seconds
        .get(w)!
        .map((x) => x.toFixed(2))
        .join(', ')
        .padEnd(24)}${(s / single).toFixed(2)}×`,
    );
  }
  console.log(`metrics.json identical in all ${REPEAT * variants.length} runs`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
