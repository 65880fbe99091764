/**
 * `ssd worker` and `ssd test --redis` end to end, with a real Redis, real worker processes and a real HTTP
 * server of images: the distributed metrics equal the single-process ones, and faults (a worker killed with
 * -9, a corrupt image, a shard that keeps failing, Redis restarted, the coordinator killed) lose nothing
 * and run nothing twice.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ToyProject, writeToyProject } from '@ssd-test/custom-backbone';
import { startRedis, type TestRedis } from '@ssd-test/kit';
import { ImageServer, killAll, type SsdProcess, shardsDone, ssd } from './distributed-helpers';

const PLUGIN = require.resolve('@ssd-test/custom-backbone');
const DATASET = 'toy_test';
const TEST_IMAGES = 24;
// TEST.BATCH_SIZE is 2: 6 shards of 4 images.
const SHARD_SIZE = 4;
const SHARDS = TEST_IMAGES / SHARD_SIZE;

let redis: TestRedis;
let project: ToyProject;
let ckpt: string;
let singleMetrics: string;
let testIds: string[];
let queueCount = 0;

/** The image file of test image `i` (data-set order), relative to the data folder. */
const imageOf = (i: number) => `JPEGImages/${testIds[i]}.jpg`;

function out(): string {
  return mkdtempSync(path.join(tmpdir(), 'ssd-distributed-out-'));
}

/**
 * A worker on `queue`, reading the images from the image server if given. Its lock lasts `lockMs`: long by
 * default, so that a worker starved of CPU on a busy machine keeps its shard; short for the worker a test
 * kills, so that its shard is recovered fast (the others look for dead workers' shards every 500 ms).
 */
function worker(queue: string, server?: ImageServer, lockMs = 10_000): SsdProcess {
  const map = server ? ['--path-map', `${project.dataDir}=${server.url}`] : [];
  return ssd([
    ...['--require', PLUGIN, 'worker', '--redis', redis.url, '--queue', queue],
    ...['--lock-duration', String(lockMs), '--stalled-interval', '500', ...map],
  ]);
}

function coordinator(queue: string, outputDir: string): SsdProcess {
  return ssd([
    ...['--require', PLUGIN, 'test', '--config-file', project.configFile, '--ckpt', ckpt],
    ...[
      '--output_dir',
      outputDir,
      '--redis',
      redis.url,
      '--queue',
      queue,
      '--shard-size',
      String(SHARD_SIZE),
    ],
  ]);
}

const metricsOf = (dir: string) => readFileSync(path.join(dir, DATASET, 'metrics.json'), 'utf8');

/** Keys the run left in Redis (none once its outputs are written). */
function runKeys(queue: string, output: string): string[] {
  const runId = /\(run ([0-9a-f]+)\)/.exec(output)?.[1];
  expect(runId).toBeDefined();
  const r = spawnSync(
    'redis-cli',
    ['-p', String(redis.port), '--scan', '--pattern', `bull:${queue}:${runId}*`],
    {
      encoding: 'utf8',
    },
  );
  return r.stdout.split('\n').filter(Boolean);
}

async function stop(p: SsdProcess): Promise<number | string> {
  p.proc.kill('SIGTERM');
  return p.exited;
}

beforeAll(async () => {
  redis = await startRedis();
  project = await writeToyProject({ train: 16, test: TEST_IMAGES });
  testIds = readFileSync(path.join(project.dataDir, 'ImageSets/Main/test.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const train = ssd([
    ...['--require', PLUGIN, 'train', '--config-file', project.configFile, '--skip-test'],
    ...['SOLVER.MAX_ITER', '40', 'SOLVER.LR_STEPS', '[30]', 'SOLVER.LR', '0.01'],
  ]);
  expect(await train.exited).toBe(0);
  ckpt = path.join(project.outputDir, 'model_final.safetensors');
  const single = out();
  const test = ssd([
    ...[
      '--require',
      PLUGIN,
      'test',
      '--config-file',
      project.configFile,
      '--ckpt',
      ckpt,
      '--output_dir',
      single,
    ],
  ]);
  expect(await test.exited).toBe(0);
  singleMetrics = metricsOf(single);
  // A detector that finds something, so that equal metrics say something.
  expect(JSON.parse(singleMetrics).mAP).toBeGreaterThan(0);
}, 180_000);

afterEach(() => killAll());

afterAll(async () => {
  killAll();
  await redis?.close();
});

/** A queue of its own for each test. */
const freshQueue = () => `test${++queueCount}`;

describe('ssd test --redis with ssd worker', () => {
  it('gives the metrics.json of ssd test with two workers, each shard run once, and leaves nothing in Redis', async () => {
    const queue = freshQueue();
    const workers = [worker(queue), worker(queue)];
    const dir = out();
    const c = coordinator(queue, dir);
    expect(await c.exited).toBe(0);
    expect(metricsOf(dir)).toBe(singleMetrics);
    expect(c.output()).toContain(`${DATASET}: ${TEST_IMAGES}/${TEST_IMAGES}`);
    // SIGTERM: each worker finishes what it holds and exits cleanly.
    expect(await Promise.all(workers.map(stop))).toEqual([0, 0]);
    const done = workers.flatMap((w) => shardsDone(w.output()));
    expect(done).toHaveLength(SHARDS);
    expect(new Set(done).size).toBe(SHARDS);
    expect(runKeys(queue, c.output())).toEqual([]);
  });

  it('runs the shard of a worker killed with -9 on another worker', async () => {
    const queue = freshQueue();
    const server = new ImageServer(project.dataDir);
    await server.start();
    try {
      // The first shard's first image is held: the only worker is then certainly in the middle of shard 0.
      const held = server.hold(imageOf(0));
      const doomed = worker(queue, server, 2000);
      const dir = out();
      const c = coordinator(queue, dir);
      await held.arrived;
      doomed.proc.kill('SIGKILL');
      held.release();
      const rescuer = worker(queue, server);
      expect(await c.exited).toBe(0);
      expect(metricsOf(dir)).toBe(singleMetrics);
      expect(shardsDone(doomed.output())).toEqual([]);
      const done = shardsDone(rescuer.output());
      expect(done.sort()).toEqual(
        Array.from({ length: SHARDS }, (_, i) => done[0]!.replace(/-\d+$/, `-${i}`)).sort(),
      );
    } finally {
      await server.close();
    }
  });

  it('names a corrupt image while the other shards complete; fixed, a rerun runs only its shard', async () => {
    const queue = freshQueue();
    const server = new ImageServer(project.dataDir);
    await server.start();
    try {
      server.corrupt(imageOf(9));
      const w = worker(queue, server);
      const dir = out();
      const first = coordinator(queue, dir);
      expect(await first.exited).toBe(1);
      const image = path.join(project.dataDir, imageOf(9));
      expect(first.output()).toContain(`${image}: cannot decode image`);
      expect(first.output()).toMatch(
        new RegExp(
          `1 of ${TEST_IMAGES} images of ${DATASET} could not be read .*: ${image.replace(/[.]/g, '\\.')}`,
        ),
      );
      expect(existsSync(path.join(dir, DATASET, 'metrics.json'))).toBe(false);
      expect(shardsDone(w.output())).toHaveLength(SHARDS);

      server.heal(imageOf(9));
      const second = coordinator(queue, dir);
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain(`resuming: ${SHARDS - 1} of ${SHARDS} shards were already done`);
      expect(metricsOf(dir)).toBe(singleMetrics);
      expect(shardsDone(w.output())).toHaveLength(SHARDS + 1);
    } finally {
      await server.close();
    }
  });

  it('retries a shard that keeps failing with backoff, names it, and finishes it on a rerun', async () => {
    const queue = freshQueue();
    const server = new ImageServer(project.dataDir);
    await server.start();
    try {
      server.fail(imageOf(13));
      const w = worker(queue, server);
      const dir = out();
      const first = coordinator(queue, dir);
      expect(await first.exited).toBe(1);
      // Image 13 is in shard 3 (images 12-15).
      expect(first.output()).toMatch(
        /1 of 6 shards failed: shard 3 \(job \S+-3\) after 3 tries: HTTP 500 from http/,
      );
      expect(w.output().match(/shard \S+-3 failed \(try \d of 3\)/g)).toHaveLength(3);
      expect(shardsDone(w.output())).toHaveLength(SHARDS - 1);

      server.heal(imageOf(13));
      const second = coordinator(queue, dir);
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('shard 3 failed in an earlier run');
      expect(metricsOf(dir)).toBe(singleMetrics);
      expect(shardsDone(w.output())).toHaveLength(SHARDS);
    } finally {
      await server.close();
    }
  });

  it('finishes when Redis is stopped and restarted mid-run', async () => {
    const queue = freshQueue();
    const server = new ImageServer(project.dataDir);
    await server.start();
    try {
      const held = server.hold(imageOf(8));
      // Its lock outlasts the restart: the worker keeps its shard through it.
      const w = worker(queue, server);
      const dir = out();
      const c = coordinator(queue, dir);
      await held.arrived;
      await redis.stop();
      await redis.start();
      held.release();
      expect(await c.exited).toBe(0);
      expect(metricsOf(dir)).toBe(singleMetrics);
      const done = shardsDone(w.output());
      expect(done).toHaveLength(SHARDS);
      expect(new Set(done).size).toBe(SHARDS);
    } finally {
      await server.close();
    }
  });

  it('resumes after the coordinator is killed, without running a finished shard again', async () => {
    const queue = freshQueue();
    const server = new ImageServer(project.dataDir);
    await server.start();
    try {
      // Shards 0 and 1 are done and shard 2 is running when the coordinator dies; the worker is then told
      // to stop, finishes shard 2 and leaves 3-5 queued.
      const held = server.hold(imageOf(8));
      const first = worker(queue, server);
      const dir = out();
      const killed = coordinator(queue, dir);
      await held.arrived;
      killed.proc.kill('SIGKILL');
      await killed.exited;
      first.proc.kill('SIGTERM');
      await first.waitFor(/SIGTERM: finishing the current shards/);
      held.release();
      expect(await first.exited).toBe(0);
      expect(shardsDone(first.output())).toHaveLength(3);

      const second = worker(queue, server);
      const rerun = coordinator(queue, dir);
      expect(await rerun.exited).toBe(0);
      expect(rerun.output()).toContain(`resuming: 3 of ${SHARDS} shards were already done`);
      expect(metricsOf(dir)).toBe(singleMetrics);
      const done = [...shardsDone(first.output()), ...shardsDone(second.output())];
      expect(done).toHaveLength(SHARDS);
      expect(new Set(done).size).toBe(SHARDS);
    } finally {
      await server.close();
    }
  });
});

describe('ssd demo --redis with ssd worker', () => {
  it('writes the annotated images and results.json of ssd demo, naming an unreadable image', async () => {
    const images = out();
    for (const i of [0, 1, 2, 3, 4])
      copyFileSync(path.join(project.dataDir, imageOf(i)), path.join(images, `${testIds[i]}.jpg`));
    writeFileSync(path.join(images, 'broken.jpg'), 'not a JPEG at all');
    const args = (output: string) => [
      ...['--require', PLUGIN, 'demo', '--config-file', project.configFile, '--ckpt', ckpt],
      ...[
        '--images_dir',
        images,
        '--output_dir',
        output,
        '--score_threshold',
        '0.05',
        '--dataset_type',
        'shapes',
      ],
    ];
    const single = path.join(out(), 'single');
    const distributed = path.join(out(), 'distributed');
    mkdirSync(single);
    const alone = ssd(args(single));
    expect(await alone.exited).toBe(1);
    const queue = freshQueue();
    const w = worker(queue);
    const c = ssd([...args(distributed), '--redis', redis.url, '--queue', queue, '--shard-size', '2']);
    expect(await c.exited).toBe(1);
    expect(c.output()).toContain('broken.jpg: skipped: cannot decode image');
    expect(c.output()).toContain(`1 of 6 images in ${images} could not be read (see above): broken.jpg`);
    const results = readFileSync(path.join(distributed, 'results.json'), 'utf8');
    expect(JSON.parse(results)).toHaveLength(5);
    expect(results).toBe(readFileSync(path.join(single, 'results.json'), 'utf8'));
    for (const i of [0, 1, 2, 3, 4]) {
      const name = `${testIds[i]}.jpg`;
      expect(readFileSync(path.join(distributed, name)).equals(readFileSync(path.join(single, name)))).toBe(
        true,
      );
    }
    expect(shardsDone(w.output())).toHaveLength(3);
  });
});
