/**
 * Serving speed: each model in a server process of its own, driven over HTTP by autocannon at several
 * concurrencies with batching on (`--max-batch 8`) and off (`--max-batch 1`), against an in-process
 * `Predictor.detectBatch` loop on the same photos in this process; then 10 000 requests for the server's memory.
 * Models: MobileNetV2-SSD320 (the reference's random-init weights) as `.onnx` and on tfjs (wasm), VGG16-SSD300
 * (random init) as `.onnx`. Random weights make post-processing a worst case (nearly every prior passes the 0.01
 * score threshold), on every side alike.
 *
 * Usage (after `pnpm --filter @ssd/serve build`): pnpm bench [-- --models mobilenet-onnx,mobilenet-tfjs,vgg-onnx
 *   --concurrency 1,4,16,64 --seconds 6 --repeats 2 --leak 10000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { initBackend, loadWeights, Predictor } from '@ssd/engine';
import { type DecodedImage, decodeImage } from '@ssd/image';
import { buildDetectionModel } from '@ssd/modeling';
import { exportOnnx } from '@ssd/onnx';
import autocannon from 'autocannon';

// The repository's fixtures (the test kit is TypeScript for jest; this runs compiled, from bench/dist/bench).
const FIXTURES = path.resolve(__dirname, '../../../../../fixtures');
const REFERENCE_PTH = path.join(FIXTURES, 'reference', 'mobilenet_v2_ssd320_random.pth');
const DEMO_IMAGES = path.join(FIXTURES, 'demo-images');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const CONCURRENCY = option('concurrency', '1,4,16,64').split(',').map(Number);
const SECONDS = Number(option('seconds', '6'));
/** Each measurement is repeated, interleaved with its peers; the tables give medians. */
const REPEATS = Number(option('repeats', '2'));
const LEAK_REQUESTS = Number(option('leak', '10000'));
const MAX_BATCH = Number(option('max-batch', '8'));
const MAX_DELAY_MS = Number(option('max-delay-ms', '5'));
/** Above the largest concurrency: no request is refused, so errors count failures only. */
const MAX_QUEUE = 2 * Math.max(...CONCURRENCY, 64);

interface Model {
  readonly key: string;
  readonly label: string;
  readonly config: string;
  /** Writes the checkpoint the server loads; returns its path. */
  checkpoint(dir: string): string;
}

/** The model of `config` with `weights` (or random-init) exported to `.onnx`. */
function exported(config: string, name: string, weights?: string): (dir: string) => string {
  return (dir) => {
    const model = buildDetectionModel(loadConfig(config));
    try {
      if (weights) loadWeights(model, weights);
      const file = path.join(dir, `${name}.onnx`);
      writeFileSync(file, exportOnnx(model));
      return file;
    } finally {
      model.dispose();
    }
  };
}

const MODELS: readonly Model[] = [
  {
    key: 'mobilenet-onnx',
    label: 'MobileNetV2-SSD320 .onnx',
    config: 'mobilenet_v2_ssd320_voc0712',
    checkpoint: exported('mobilenet_v2_ssd320_voc0712', 'mobilenet_v2', REFERENCE_PTH),
  },
  {
    key: 'mobilenet-tfjs',
    label: 'MobileNetV2-SSD320 tfjs (wasm)',
    config: 'mobilenet_v2_ssd320_voc0712',
    checkpoint: () => REFERENCE_PTH,
  },
  {
    key: 'vgg-onnx',
    label: 'VGG16-SSD300 .onnx',
    config: 'vgg_ssd300_voc0712',
    checkpoint: exported('vgg_ssd300_voc0712', 'vgg16'),
  },
];

const photos = readdirSync(DEMO_IMAGES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => readFileSync(path.join(DEMO_IMAGES, f)));

/** Images per second of `detectBatch` over `images` in batches of `batch`, for about SECONDS. */
async function loopRate(
  predictor: Predictor,
  batch: number,
  next: (i: number) => Promise<DecodedImage>,
): Promise<number> {
  await predictor.detectBatch([await next(0)]);
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000 || done < 2 * batch) {
    const images = await Promise.all(Array.from({ length: batch }, (_, k) => next(done + k)));
    await predictor.detectBatch(images);
    done += batch;
  }
  return done / ((performance.now() - start) / 1000);
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly tensors: number;
  stop(): Promise<number>;
}

/** Starts a server process and waits until it is warm. */
function startServer(config: string, ckpt: string, maxBatch: number): Promise<Server> {
  const script = path.join(__dirname, 'server-process.js');
  const args = [config, ckpt, maxBatch, MAX_DELAY_MS, MAX_QUEUE].map(String);
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /URL (\S+) TENSORS (\d+)/.exec(out);
      if (!m) return;
      clearInterval(poll);
      resolve({
        child,
        url: m[1]!,
        tensors: Number(m[2]),
        stop: () =>
          new Promise((done) => {
            child.on('exit', () => done(Number(/\nTENSORS (\d+)/.exec(out)?.[1] ?? Number.NaN)));
            child.kill('SIGTERM');
          }),
      });
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`the server process exited (${code}) before serving:\n${out}`));
    });
  });
}

interface Row {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** `amount` requests from `connections` clients, cycling through the demo photos. */
async function drive(url: string, connections: number, amount: number): Promise<Row> {
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: 600,
    requests: photos.map((body) => ({
      method: 'POST' as const,
      path: '/v1/detect',
      headers: { 'content-type': 'image/jpeg' },
      body,
    })),
  });
  const ok = result['2xx'];
  return {
    requests: ok,
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** The resident set of a process, in MB. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const f1 = (x: number) => x.toFixed(1);

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2
    ? sorted[sorted.length >> 1]!
    : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

/** Medians of a row's repeats. */
function medianRow(rows: readonly Row[]): Row {
  return {
    requests: rows.reduce((n, r) => n + r.requests, 0),
    perSecond: median(rows.map((r) => r.perSecond)),
    p50: median(rows.map((r) => r.p50)),
    p99: median(rows.map((r) => r.p99)),
    errors: rows.reduce((n, r) => n + r.errors, 0),
  };
}

/**
 * One model: both servers (batching on and off) up at once, and each repeat measures the in-process loops and then,
 * concurrency by concurrency, the two servers back to back, so that a change in the machine's load hits every
 * peer alike; medians of REPEATS.
 */
async function benchModel(model: Model, dir: string, lines: string[], checks: string[]): Promise<void> {
  const ckpt = model.checkpoint(dir);
  const cfg = loadConfig(model.config, ['MODEL.DEVICE', 'wasm']);
  const predictor = await Predictor.load(cfg, ckpt, VOC_CLASSES, () => {});
  const decoded = await Promise.all(photos.map((p) => decodeImage(p)));
  const modes = [MAX_BATCH, 1];
  const servers = new Map<number, Server>();
  for (const maxBatch of modes) servers.set(maxBatch, await startServer(model.config, ckpt, maxBatch));
  const loops: Record<'batch' | 'decoding' | 'single', number[]> = { batch: [], decoding: [], single: [] };
  const rows = new Map<string, Row[]>();
  try {
    for (const server of servers.values()) await drive(server.url, MAX_BATCH, 2 * MAX_BATCH); // warm
    for (let rep = 0; rep < REPEATS; rep++) {
      loops.batch.push(await loopRate(predictor, MAX_BATCH, async (i) => decoded[i % decoded.length]!));
      loops.decoding.push(
        await loopRate(predictor, MAX_BATCH, (i) => decodeImage(photos[i % photos.length]!)),
      );
      // What batching can give at most: the model's own images/s at batch 1 against batch MAX_BATCH.
      loops.single.push(await loopRate(predictor, 1, async (i) => decoded[i % decoded.length]!));
      for (const c of CONCURRENCY) {
        for (const maxBatch of modes) {
          // Every client busy, plus a few batches' worth: enough for a rate without minutes per slow row.
          const amount = Math.max(c + 2 * MAX_BATCH, Math.round(median(loops.batch) * SECONDS));
          const row = await drive(servers.get(maxBatch)!.url, c, amount);
          const key = `${maxBatch}/${c}`;
          rows.set(key, [...(rows.get(key) ?? []), row]);
          process.stdout.write(
            `${model.label}, repeat ${rep + 1}, --max-batch ${maxBatch}, concurrency ${c}: ${f1(row.perSecond)} req/s\n`,
          );
        }
      }
    }
  } finally {
    predictor.dispose();
    for (const [maxBatch, server] of servers) {
      const tensors = await server.stop();
      checks.push(
        `${model.label}, --max-batch ${maxBatch}: tfjs tensors ${server.tensors} when warm, ${tensors} after the rows`,
      );
    }
  }
  const loop = median(loops.batch);
  const loopDecoding = median(loops.decoding);
  const loopSingle = median(loops.single);
  lines.push(
    `| ${model.label} | in-process detectBatch(${MAX_BATCH}) loop | | ${f1(loop)} img/s (${f1(loopDecoding)} decoding too; ` +
      `detectBatch(1): ${f1(loopSingle)}) | | | |`,
  );
  const byMode = new Map<number, Map<number, Row>>();
  for (const maxBatch of modes) {
    const mode = new Map<number, Row>();
    for (const c of CONCURRENCY) {
      const row = medianRow(rows.get(`${maxBatch}/${c}`)!);
      mode.set(c, row);
      lines.push(
        `| ${model.label} | ${maxBatch === 1 ? 'off (--max-batch 1)' : `on (--max-batch ${maxBatch})`} | ${c} | ` +
          `${f1(row.perSecond)} req/s | ${Math.round(row.p50)} | ${Math.round(row.p99)} | ${row.errors} |`,
      );
    }
    byMode.set(maxBatch, mode);
  }
  const on = byMode.get(MAX_BATCH)!;
  const off = byMode.get(1)!;
  const at16 = on.get(16) && off.get(16) ? on.get(16)!.perSecond / off.get(16)!.perSecond : Number.NaN;
  const best = Math.max(...[...on.values()].map((r) => r.perSecond));
  const errors = [...on.values(), ...off.values()].reduce((n, r) => n + r.errors, 0);
  const f2 = (x: number) => x.toFixed(2);
  checks.push(
    `${model.label}: batching at concurrency 16 gives ${f2(at16)}× --max-batch 1 (target ≥ 1.3: ${at16 >= 1.3 ? 'met' : 'MISSED'}; ` +
      `in process, batches of ${MAX_BATCH} run ${f2(loop / loopSingle)}× the images/s of batches of 1); ` +
      `best server rate ${f1(best)} req/s = ${f2(best / loop)}× the in-process loop (target ≥ 0.9: ${best / loop >= 0.9 ? 'met' : 'MISSED'}), ` +
      `${f2(best / loopDecoding)}× the loop that decodes too; errors ${errors} (target 0: ${errors === 0 ? 'met' : 'MISSED'})`,
  );
}

/**
 * RSS of a batching server over LEAK_REQUESTS requests at concurrency 16, after 500 to settle, sampled every fifth
 * of the way: a leak grows it steadily, an allocator settling into its peak does not.
 */
async function leakCheck(model: Model, dir: string, checks: string[]): Promise<void> {
  const server = await startServer(model.config, model.checkpoint(dir), MAX_BATCH);
  try {
    await drive(server.url, 16, 500);
    const samples = [rssMb(server.child.pid!)];
    const start = performance.now();
    let requests = 0;
    let errors = 0;
    for (let part = 0; part < 5; part++) {
      const row = await drive(server.url, 16, LEAK_REQUESTS / 5);
      requests += row.requests;
      errors += row.errors;
      samples.push(rssMb(server.child.pid!));
    }
    const growth = samples[5]! - samples[0]!;
    const lastHalf = samples[5]! - samples[2]!;
    checks.push(
      `${model.label}: RSS ${samples.map(f1).join(' → ')} MB, every ${LEAK_REQUESTS / 5} of ${requests} requests ` +
        `(+${f1(growth)} MB; target ≤ +50: ${growth <= 50 ? 'met' : 'MISSED'}; +${f1(lastHalf)} MB over the last 60%), ` +
        `${errors} errors, ${f1((performance.now() - start) / 1000)} s`,
    );
  } finally {
    const tensors = await server.stop();
    checks.push(`${model.label}, leak run: tfjs tensors ${server.tensors} when warm, ${tensors} after`);
  }
}

async function main(): Promise<void> {
  const keys = option('models', MODELS.map((m) => m.key).join(',')).split(',');
  const models = keys.map((k) => {
    const m = MODELS.find((x) => x.key === k);
    if (!m) throw new Error(`--models: unknown ${k} (${MODELS.map((x) => x.key).join(', ')})`);
    return m;
  });
  await initBackend('wasm', () => {});
  const dir = mkdtempSync(path.join(tmpdir(), 'ssd-serve-bench-'));
  const lines = [
    '| model | batching | concurrency | throughput | p50 ms | p99 ms | errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const checks: string[] = [];
  try {
    for (const model of models) await benchModel(model, dir, lines, checks);
    if (LEAK_REQUESTS > 0) await leakCheck(models[0]!, dir, checks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${lines.join('\n')}\n\n${checks.map((c) => `- ${c}`).join('\n')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
