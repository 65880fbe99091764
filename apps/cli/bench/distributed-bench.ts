/**
 * `ssd test` on the shapes test split in one process, and as a coordinator (`ssd test --redis`) with 1 and
 * with 2 `ssd worker`s: wall time of the `ssd test` command, from start to metrics.json, and the CPU time
 * all its processes spent (the coordinator's, and each worker's from idle to the end of the run), which a
 * busy machine disturbs less than wall time. Workers are started fresh for each run and idle when the
 * coordinator starts (a long-running service); each loads the model on its first shard, as the single
 * process loads it. Every distributed run's metrics.json must equal
 * the single-process one. Same random weights everywhere (the quick start's model, MobileNetV2-SSDLite 160).
 * Needs a Redis: `redis-server --port 6379 --save ''` in another terminal.
 * Usage (after `pnpm build`): pnpm --filter @ssd/cli bench:distributed [-- --redis redis://127.0.0.1:6379
 *   --images 100 --shard-size 64 --repeat 3 --data DIR --loader-workers 0]
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
// Data loader threads per shard on each worker (`ssd worker --loader-workers`); 0 loads inline.
const LOADER_WORKERS = option('loader-workers', '0');
const DATA = option('data', path.join(tmpdir(), `ssd-test-bench-shapes-${IMAGES}`));
const CONFIG = 'quickstart_mobilenet_v2_ssdlite_shapes';
const BIN = path.resolve(__dirname, '../../../dist/bin.js');

interface Running {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** CPU seconds (user + system) a live process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts `ssd args`; with `timed`, through bash, whose `times` prints the CPU time of the command last. */
function start(args: string[], timed = false): Running {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const proc = spawn('bash', ['-c', timed ? `${command}; rc=$?; times >&2; exit $rc` : `exec ${command}`], {
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

/** The CPU seconds of the command `times` reported (its children's line: user, then system). */
function childCpu(output: string): number {
  const lines = output.trim().split('\n');
  const [user, system] = lines[lines.length - 1]!.split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    if (!m) throw new Error(`no CPU times at the end of:\n${output}`);
    return Number(m[1]) * 60 + Number(m[2]);
  });
  return user! + system!;
}

interface Timing {
  wall: number;
  cpu: number;
}

/** One `ssd test` run with `workers` fresh workers (0: one process, no Redis). */
async function timedRun(workers: number, ckpt: string, outputDir: string): Promise<Timing> {
  const queue = `bench-${process.pid}-${Date.now()}`;
  const pool = Array.from({ length: workers }, () =>
    start([
      ...['worker', '--redis', REDIS, '--queue', queue],
      ...(LOADER_WORKERS === '0' ? [] : ['--loader-workers', LOADER_WORKERS]),
    ]),
  );
  try {
    for (const w of pool) await until(w, /taking shards/);
    const idle = pool.map((w) => cpuSeconds(w.proc.pid!));
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
    const run = start(args, true);
    const code = await run.exited;
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`ssd test ${args.join(' ')} failed:\n${run.output()}`);
    const workersCpu = pool.reduce((sum, w, i) => sum + cpuSeconds(w.proc.pid!) - idle[i]!, 0);
    return { wall, cpu: childCpu(run.output()) + workersCpu };
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
  const timings = new Map<number, Timing[]>(variants.map((w) => [w, []]));
  const metrics = new Map<number, string>();
  for (let r = 0; r < REPEAT; r++) {
    for (const w of variants) {
      const out = path.join(dir, `out-${w}-${r}`);
      timings.get(w)!.push(await timedRun(w, ckpt, out));
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
  const wall0 = median(timings.get(0)!.map((t) => t.wall));
  const cpu0 = median(timings.get(0)!.map((t) => t.cpu));
  console.log('variant                   wall s   vs one   CPU s   vs one   wall s of each run');
  for (const w of variants) {
    const wall = median(timings.get(w)!.map((t) => t.wall));
    const cpu = median(timings.get(w)!.map((t) => t.cpu));
    const name = w === 0 ? 'one process' : `coordinator + ${w} worker${w > 1 ? 's' : ''}`;
    const each = timings
      .get(w)!
      .map((t) => t.wall.toFixed(2))
      .join(', ');
    console.log(
      `${name.padEnd(24)}${wall.toFixed(2).padStart(7)}${`${(wall / wall0).toFixed(2)}×`.padStart(9)}` +
        `${cpu.toFixed(2).padStart(8)}${`${(cpu / cpu0).toFixed(2)}×`.padStart(9)}   ${each}`,
    );
  }
  console.log(`metrics.json identical in all ${REPEAT * variants.length} runs`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
