import { Job, Queue, QueueEvents } from 'bullmq';
import { probeRedis, redactedUrl, redisConnection } from './connection';
import { connectionErrorLogger } from './log-limiter';
import { shardJobId } from './shards';

/** The queue used when none is named. */
export const DEFAULT_QUEUE = 'ssd';
/** BullMQ's name for every shard job (the queue and the job id say the rest). */
export const SHARD_JOB_NAME = 'shard';

/** Where a run's shards go and how hard they are tried. */
export interface ShardRunOptions {
  /** `redis://HOST:PORT`. */
  redis: string;
  /** Queue name; default `ssd`. */
  queue?: string;
  /** Identifies the run: shard `i`'s job id is `<runId>-<i>`. Letters, digits, `_`, `.` and `-`. */
  runId: string;
  /** Tries of a shard before it counts as failed (BullMQ `attempts`); default 3. */
  attempts?: number;
  /** First retry delay in ms, doubled on each further retry (BullMQ exponential backoff); default 1000. */
  backoffMs?: number;
  /** How often unfinished shards are looked up directly, in case a queue event was missed; default 5000 ms. */
  reconcileMs?: number;
  /** How long to wait for the first connection to Redis before failing; default 30 000 ms. */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
}

/** One shard to run: the job's data, and how many units of work (images) it holds, for progress. */
export interface ShardSpec<D> {
  data: D;
  units: number;
}

/** Callbacks while a run is gathered. */
export interface GatherOptions<R> {
  /** Units done so far (finished shards and the progress workers report inside running ones). */
  onProgress?: (done: number, total: number) => void;
  /** Each shard's result, once, as it arrives (in any order). */
  onResult?: (index: number, result: R) => void | Promise<void>;
}

/** Every shard's result, in shard order. */
export interface GatherResult<R> {
  results: R[];
  /** Shards that were already finished in Redis when the run started (a rerun resuming). */
  resumed: number;
}

/** A shard that failed on every try. */
export interface ShardFailure {
  index: number;
  jobId: string;
  attempts: number;
  reason: string;
}

/** Thrown by `gather` when shards failed on every try, after all the others finished. */
export class ShardFailuresError extends Error {
  constructor(
    readonly failures: readonly ShardFailure[],
    total: number,
  ) {
    const named = failures
      .slice(0, 5)
      .map((f) => `shard ${f.index} (job ${f.jobId}) after ${f.attempts} tries: ${f.reason}`);
    const more = failures.length > 5 ? `; and ${failures.length - 5} more` : '';
    super(
      `${failures.length} of ${total} shards failed: ${named.join('; ')}${more}. ` +
        'The other shards are kept in Redis: fix the cause and run the same command again to finish.',
    );
    this.name = 'ShardFailuresError';
  }
}

const RUN_ID = /^[A-Za-z0-9_.-]+$/;
/** Queue events Redis keeps (BullMQ's default is 10 000). */
const EVENTS_KEPT = 1000;
/** Jobs looked up at once (ioredis pipelines the commands in flight). */
const LOOKUP_CHUNK = 64;

/**
 * The coordinator's side of a distributed run: adds a run's shards to a BullMQ queue with deterministic job
 * ids, follows them by queue events and gathers their results in order. Adding is idempotent: shards a
 * previous run of the same id finished are taken from Redis, failed ones are tried again.
 */
export class ShardRun<D, R> {
  readonly queueName: string;
  private connection?: Promise<{ queue: Queue; events: QueueEvents }>;
  private readonly log: (line: string) => void;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly reconcileMs: number;

  constructor(private readonly options: ShardRunOptions) {
    if (!RUN_ID.test(options.runId)) {
      throw new Error(`run id '${options.runId}' may hold only letters, digits, '_', '.' and '-'`);
    }
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 1000;
    this.reconcileMs = options.reconcileMs ?? 5000;
    if (!(Number.isInteger(this.attempts) && this.attempts >= 1)) {
      throw new Error(`attempts must be a positive integer, got ${this.attempts}`);
    }
    this.log = options.log ?? ((l) => console.log(l));
    this.queueName = options.queue ?? DEFAULT_QUEUE;
  }

  /** Connects on first use: fails naming the URL when Redis cannot be reached within `connectTimeoutMs`. */
  private connect(): Promise<{ queue: Queue; events: QueueEvents }> {
    this.connection ??= (async () => {
      await probeRedis(this.options.redis, this.options.connectTimeoutMs ?? 30_000);
      const connection = redisConnection(this.options.redis);
      // Each completed event carries the shard's result: a short event stream bounds what Redis holds twice
      // (a coordinator that falls further behind than this finds the rest by looking the jobs up).
      const queue = new Queue(this.queueName, { connection, streams: { events: { maxLen: EVENTS_KEPT } } });
      const events = new QueueEvents(this.queueName, { connection });
      const errors = connectionErrorLogger(
        `queue '${this.queueName}' at ${redactedUrl(this.options.redis)}`,
        this.log,
      );
      queue.on('error', errors);
      events.on('error', errors);
      // Listening starts before the first job is added, so no event of a run is missed.
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      return { queue, events };
    })();
    return this.connection;
  }

  /** Runs the shards (or takes their finished results from Redis) and resolves to every result in order. */
  async gather(shards: readonly ShardSpec<D>[], options: GatherOptions<R> = {}): Promise<GatherResult<R>> {
    const { queue, events } = await this.connect();
    const total = shards.reduce((sum, s) => sum + s.units, 0);
    const indexOf = new Map(shards.map((_, i) => [shardJobId(this.options.runId, i), i]));
    const pending = new Set(indexOf.keys());
    const unitsDone = new Map<string, number>();
    const results: R[] = new Array(shards.length);
    const failures: ShardFailure[] = [];
    let resumed = 0;
    const report = () => {
      let done = 0;
      for (const units of unitsDone.values()) done += units;
      options.onProgress?.(done, total);
    };

    const dirty = new Set<string>();
    let wake = () => {};
    const poke = (jobId: string) => {
      if (!pending.has(jobId)) return;
      dirty.add(jobId);
      wake();
    };
    const onCompleted = ({ jobId }: { jobId: string }) => poke(jobId);
    const onFailed = ({ jobId }: { jobId: string }) => poke(jobId);
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
      const index = indexOf.get(jobId);
      if (index === undefined || !pending.has(jobId) || typeof data !== 'number') return;
      unitsDone.set(jobId, Math.min(Math.max(0, data), shards[index]!.units));
      report();
    };
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    events.on('progress', onProgress);

    /** Looks a job up and settles it when it has finished; `first` retries what an earlier run left failed. */
    const settle = async (jobId: string, first: boolean) => {
      const index = indexOf.get(jobId)!;
      const job = await Job.fromId<D, R>(queue, jobId);
      if (!job) {
        // Removed behind our back (someone cleaned the queue): add it again.
        await this.add(queue, shards, index);
        return;
      }
      const state = await job.getState();
      if (state === 'completed') {
        if (!pending.delete(jobId)) return;
        if (first) resumed++;
        results[index] = job.returnvalue;
        unitsDone.set(jobId, shards[index]!.units);
        await options.onResult?.(index, job.returnvalue);
        report();
      } else if (state === 'failed') {
        if (first) {
          this.log(`shard ${index} failed in an earlier run (${job.failedReason}): trying it again`);
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          return;
        }
        if (!pending.delete(jobId)) return;
        const failure = { index, jobId, attempts: job.attemptsMade, reason: job.failedReason };
        this.log(`shard ${index} (job ${jobId}) failed after ${failure.attempts} tries: ${failure.reason}`);
        failures.push(failure);
        unitsDone.delete(jobId);
        report();
      }
    };
    const settleAll = async (ids: string[], first: boolean) => {
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        await Promise.all(ids.slice(i, i + LOOKUP_CHUNK).map((id) => settle(id, first)));
      }
    };

    try {
      await this.add(queue, shards);
      report();
      await settleAll([...pending], true);
      if (resumed > 0) this.log(`resuming: ${resumed} of ${shards.length} shards were already done`);
      // CLIENT LIST, which a restricted Redis user may not run: then nothing is said.
      const workers = await queue.getWorkersCount().catch(() => undefined);
      if (pending.size > 0 && workers === 0) {
        this.log(
          `no worker is connected to queue '${this.queueName}' yet: start one with ` +
            `ssd worker --redis ${redactedUrl(this.options.redis)} --queue ${this.queueName}`,
        );
      }
      let lastLookup = Date.now();
      while (pending.size > 0) {
        if (dirty.size === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.reconcileMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = () => {};
        }
        if (Date.now() - lastLookup >= this.reconcileMs) {
          // A queue event can be lost (Redis restarted between write and read): look every pending job up.
          for (const id of pending) dirty.add(id);
          lastLookup = Date.now();
        }
        const ids = [...dirty];
        dirty.clear();
        await settleAll(ids, false);
      }
    } finally {
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
      events.off('progress', onProgress);
    }
    if (failures.length > 0) {
      throw new ShardFailuresError(
        failures.sort((a, b) => a.index - b.index),
        shards.length,
      );
    }
    return { results, resumed };
  }

  /**
   * Removes shard jobs of the run from Redis (once their results are written), so that running the same
   * command again computes them anew.
   */
  async forget(indices: readonly number[]): Promise<void> {
    const { queue } = await this.connect();
    const ids = indices.map((i) => shardJobId(this.options.runId, i));
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      await Promise.all(ids.slice(i, i + LOOKUP_CHUNK).map((id) => queue.remove(id)));
    }
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    const connected = await this.connection?.catch(() => undefined);
    if (connected) await Promise.allSettled([connected.events.close(), connected.queue.close()]);
  }

  /** Adds the shards (all, or one) with deterministic ids; a job that exists already is left as it is. */
  private async add(queue: Queue, shards: readonly ShardSpec<D>[], only?: number): Promise<void> {
    const indices = only === undefined ? shards.map((_, i) => i) : [only];
    await queue.addBulk(
      indices.map((i) => ({
        name: SHARD_JOB_NAME,
        data: shards[i]!.data,
        opts: {
          jobId: shardJobId(this.options.runId, i),
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: this.backoffMs },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
  }
}
