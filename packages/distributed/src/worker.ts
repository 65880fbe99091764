import { type Job, Worker } from 'bullmq';
import { probeRedis, redactedUrl, redisConnection } from './connection';
import { DEFAULT_QUEUE } from './coordinator';
import { connectionErrorLogger } from './log-limiter';

/** What a shard's processor is told about the job it runs. */
export interface ShardContext {
  jobId: string;
  /** 1 on the first try, then 2, 3… (a retry after a failure, or a rerun after a dead worker). */
  attempt: number;
  /** Reports units (images) done so far in this shard; the coordinator's progress bar follows it. */
  progress(done: number): Promise<void>;
}

/** Options of `startShardWorker`. */
export interface ShardWorkerOptions<D, R> {
  /** `redis://HOST:PORT`. */
  redis: string;
  /** Queue name; default `ssd`. */
  queue?: string;
  /** Shards run at once by this process; default 1. */
  concurrency?: number;
  /**
   * How long a shard's lock lasts without renewal (BullMQ `lockDuration`, renewed at half of it); a worker
   * that died holding a shard gives it up after this. Default 30 000 ms.
   */
  lockDurationMs?: number;
  /** How often this worker looks for shards whose worker died (BullMQ `stalledInterval`); default 30 000 ms. */
  stalledIntervalMs?: number;
  /** Times a shard may be recovered from a dead worker before it fails (BullMQ `maxStalledCount`); default 3. */
  maxStalledCount?: number;
  /** How long to wait for the first connection to Redis before failing; default 30 000 ms. */
  connectTimeoutMs?: number;
  /** Runs one shard. A throw fails this try; the coordinator's queue retries it with backoff. */
  process(data: D, context: ShardContext): Promise<R>;
  log?: (line: string) => void;
}

/** A running worker. */
export interface ShardWorker {
  /** Shards this process has finished. */
  readonly shardsDone: number;
  /**
   * Stops taking shards, lets the running ones finish (their results are stored), then disconnects. With
   * `force`, running shards are abandoned (their locks expire and other workers run them again).
   */
  close(force?: boolean): Promise<void>;
}

/**
 * Starts a BullMQ worker that runs shard jobs with `process` until closed; fails naming the URL when Redis
 * cannot be reached within `connectTimeoutMs`.
 */
export async function startShardWorker<D, R>(options: ShardWorkerOptions<D, R>): Promise<ShardWorker> {
  const log = options.log ?? ((l) => console.log(l));
  const queue = options.queue ?? DEFAULT_QUEUE;
  const concurrency = options.concurrency ?? 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new Error(`--concurrency must be a positive integer, got ${concurrency}`);
  }
  await probeRedis(options.redis, options.connectTimeoutMs ?? 30_000);
  const worker = new Worker<D, R>(
    queue,
    async (job: Job<D, R>) => {
      const started = performance.now();
      const result = await options.process(job.data, {
        jobId: job.id!,
        attempt: job.attemptsMade + 1,
        progress: (done) => job.updateProgress(done),
      });
      log(`shard ${job.id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return result;
    },
    {
      connection: redisConnection(options.redis),
      concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 3,
    },
  );
  let shardsDone = 0;
  worker.on('completed', () => {
    shardsDone++;
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const tries = job.opts.attempts ?? 1;
    log(`shard ${job.id} failed (try ${job.attemptsMade} of ${tries}): ${err.message}`);
  });
  worker.on('error', connectionErrorLogger(`worker on '${queue}' at ${redactedUrl(options.redis)}`, log));
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    get shardsDone() {
      return shardsDone;
    },
    close(force = false) {
      closing ??= worker.close(force);
      return closing;
    },
  };
}
