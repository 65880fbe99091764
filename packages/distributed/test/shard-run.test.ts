import { startRedis, type TestRedis } from '@ssd-test/kit';
import {
  planShards,
  redisConnection,
  runIdOf,
  ShardFailuresError,
  ShardRun,
  type ShardWorker,
  startShardWorker,
} from '../src';

describe('planShards', () => {
  it('cuts items into shards, the last one short', () => {
    expect(planShards(10, 4)).toEqual([
      { index: 0, start: 0, end: 4 },
      { index: 1, start: 4, end: 8 },
      { index: 2, start: 8, end: 10 },
    ]);
    expect(planShards(0, 4)).toEqual([]);
  });

  it('rounds the size up to a multiple of the batch, so shards start on batch boundaries', () => {
    expect(planShards(25, 64, 10).map((s) => [s.start, s.end])).toEqual([[0, 25]]);
    expect(planShards(25, 8, 10).map((s) => [s.start, s.end])).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => planShards(10, 0)).toThrow('shard size must be a positive integer, got 0');
    expect(() => planShards(10, 2.5)).toThrow('shard size');
  });
});

describe('runIdOf and redisConnection', () => {
  it('gives the same id for the same inputs, another for other inputs', () => {
    expect(runIdOf({ a: 1, b: [2] })).toBe(runIdOf({ a: 1, b: [2] }));
    expect(runIdOf({ a: 1, b: [2] })).not.toBe(runIdOf({ a: 1, b: [3] }));
    expect(runIdOf({ a: 1 })).toMatch(/^[0-9a-f]{20}$/);
  });

  it('accepts redis:// URLs and names what is wrong with others', () => {
    expect(redisConnection('redis://10.0.0.5:6380').url).toBe('redis://10.0.0.5:6380');
    expect(() => redisConnection('localhost:6379')).toThrow('expected redis://HOST:PORT');
    expect(() => redisConnection('http://localhost:6379')).toThrow('got http:');
  });
});

describe('ShardRun with workers on a real Redis', () => {
  let redis: TestRedis;
  const workers: ShardWorker[] = [];
  let queues = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });

  afterAll(async () => {
    await redis.close();
  });

  /** Squares numbers, reporting progress per item; counts what it runs. */
  async function squarer(
    queue: string,
    calls: number[],
    fail?: (n: number) => boolean,
  ): Promise<ShardWorker> {
    const w = await startShardWorker<{ numbers: number[] }, number[]>({
      redis: redis.url,
      queue,
      log: () => {},
      async process({ numbers }, context) {
        calls.push(numbers[0]!);
        if (fail?.(numbers[0]!)) throw new Error(`cannot square ${numbers[0]}`);
        for (let i = 1; i <= numbers.length; i++) await context.progress(i);
        return numbers.map((n) => n * n);
      },
    });
    workers.push(w);
    return w;
  }

  const shardsOf = (numbers: number[], size: number) =>
    planShards(numbers.length, size).map((s) => ({
      data: { numbers: numbers.slice(s.start, s.end) },
      units: s.end - s.start,
    }));

  it('gathers every result in shard order with each shard run once, and resumes from Redis', async () => {
    const queue = `q${++queues}`;
    const calls: number[] = [];
    await squarer(queue, calls);
    await squarer(queue, calls);
    const numbers = Array.from({ length: 23 }, (_, i) => i);
    const shards = shardsOf(numbers, 3);
    const run = new ShardRun<{ numbers: number[] }, number[]>({
      redis: redis.url,
      queue,
      runId: 'squares',
      log: () => {},
    });
    const progress: number[] = [];
    const arrived: number[] = [];
    try {
      const { results, resumed } = await run.gather(shards, {
        onProgress: (done, total) => {
          expect(total).toBe(23);
          progress.push(done);
        },
        onResult: (index) => {
          arrived.push(index);
        },
      });
      expect(results.flat()).toEqual(numbers.map((n) => n * n));
      expect(resumed).toBe(0);
      expect(calls.sort((a, b) => a - b)).toEqual(shards.map((s) => s.data.numbers[0]));
      expect(arrived.sort((a, b) => a - b)).toEqual(shards.map((_, i) => i));
      expect(progress[progress.length - 1]).toBe(23);

      // The same run again: every shard comes from Redis, none runs.
      const again = await run.gather(shards);
      expect(again.resumed).toBe(shards.length);
      expect(again.results).toEqual(results);
      expect(calls).toHaveLength(shards.length);

      // Forgotten, it runs anew.
      await run.forget(shards.map((_, i) => i));
      const fresh = await run.gather(shards);
      expect(fresh.resumed).toBe(0);
      expect(calls).toHaveLength(2 * shards.length);
    } finally {
      await run.close();
    }
  });

  it('retries a failing shard, then names it after the others finish; a later run tries it again', async () => {
    const queue = `q${++queues}`;
    const calls: number[] = [];
    let broken = true;
    await squarer(queue, calls, (n) => broken && n === 4);
    const shards = shardsOf([0, 1, 2, 3, 4, 5, 6, 7], 2);
    const run = new ShardRun<{ numbers: number[] }, number[]>({
      redis: redis.url,
      queue,
      runId: 'failing',
      attempts: 3,
      backoffMs: 50,
      log: () => {},
    });
    try {
      const error = await run.gather(shards).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ShardFailuresError);
      expect((error as ShardFailuresError).failures).toEqual([
        { index: 2, jobId: 'failing-2', attempts: 3, reason: 'cannot square 4' },
      ]);
      expect((error as Error).message).toContain(
        '1 of 4 shards failed: shard 2 (job failing-2) after 3 tries',
      );
      expect(calls.filter((n) => n === 4)).toHaveLength(3);
      expect(calls.filter((n) => n !== 4).sort()).toEqual([0, 2, 6]);

      broken = false;
      const { results, resumed } = await run.gather(shards);
      expect(resumed).toBe(3);
      expect(results.flat()).toEqual([0, 1, 4, 9, 16, 25, 36, 49]);
      expect(calls.filter((n) => n !== 4)).toHaveLength(3);
    } finally {
      await run.close();
    }
  });

  it('names an unreachable Redis in bounded time, for the coordinator and for a worker', async () => {
    const closed = 'redis://127.0.0.1:1';
    const run = new ShardRun({ redis: closed, runId: 'nowhere', connectTimeoutMs: 300, log: () => {} });
    await expect(run.gather([{ data: {}, units: 1 }])).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 0\.3 s: connect ECONNREFUSED/,
    );
    await run.close();
    await expect(
      startShardWorker({ redis: closed, connectTimeoutMs: 300, log: () => {}, process: async () => 1 }),
    ).rejects.toThrow('cannot reach Redis at redis://127.0.0.1:1 within 0.3 s');
  });

  it('refuses a run id that cannot be a job id', () => {
    expect(() => new ShardRun({ redis: redis.url, runId: 'a:b' })).toThrow("run id 'a:b' may hold only");
  });
});
