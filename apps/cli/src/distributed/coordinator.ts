import { statSync } from 'node:fs';
import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import {
  DEFAULT_QUEUE,
  planShards,
  runIdOf,
  type ShardRange,
  ShardRun,
  type ShardSpec,
} from '@ssd/distributed';
import { createProgress } from '@ssd/engine';
import { type Command, Option } from 'commander';
import { positiveInt } from '../commands/options';
import type { ModelSpec, ShardJob } from './shard-jobs';

/** The options `ssd test` and `ssd demo` take to coordinate workers instead of running alone. */
export interface CoordinatorOptions {
  redis?: string;
  queue: string;
  shardSize: number;
}

/** Adds `--redis`, `--queue` and `--shard-size` to a command. */
export function addCoordinatorOptions(command: Command): Command {
  return command
    .option(
      '--redis <url>',
      'run on `ssd worker`s through this Redis (redis://HOST:PORT) instead of in this process',
    )
    .addOption(
      new Option('--queue <name>', 'with --redis: the queue the workers take shards from').default(
        DEFAULT_QUEUE,
      ),
    )
    .addOption(
      new Option('--shard-size <n>', 'with --redis: images per shard (one job)')
        .argParser(positiveInt('--shard-size'))
        .default(64),
    );
}

/**
 * The model the workers load (the checkpoint as an absolute path when it is a file here, else as given: a
 * URL or a zoo name) and what identifies it for the run id: a file's size and time too, so that a retrained
 * checkpoint at the same path starts a new run instead of resuming the old one.
 */
export function modelSpec(cfg: Readonly<SSDConfig>, ckpt: string): { spec: ModelSpec; identity: unknown } {
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(ckpt);
  } catch {
    stat = undefined;
  }
  const resolved = stat?.isFile() ? path.resolve(ckpt) : ckpt;
  return {
    spec: { config: cfg as SSDConfig, ckpt: resolved },
    identity: stat?.isFile() ? { file: resolved, size: stat.size, mtimeMs: stat.mtimeMs } : ckpt,
  };
}

/** What a coordinated command does with the gathered results. */
export interface CoordinatedHandlers<R> {
  /** Each shard's result as it arrives (resumed ones too), e.g. to write its images while others run. */
  onResult?: (shard: ShardRange, result: R) => Promise<void>;
  /**
   * Writes the outputs from every shard's result (in order), and calls `forget` with the shards whose
   * results are no longer needed in Redis: all of them once the outputs are written.
   */
  finish: (results: R[], shards: ShardRange[], forget: (indices: number[]) => Promise<void>) => Promise<void>;
}

/**
 * Splits `count` images into shards (aligned to `align` images), runs them on the workers behind one
 * progress bar named `title`, and gathers the results in order. The run id is derived from `identity` and
 * the shard plan, so the same command run again after a crash resumes from Redis.
 */
export async function coordinate<R>(
  opts: CoordinatorOptions & { redis: string },
  title: string,
  count: number,
  align: number,
  identity: unknown,
  job: (shard: ShardRange) => ShardJob,
  handlers: CoordinatedHandlers<R>,
): Promise<void> {
  const shards = planShards(count, opts.shardSize, align);
  const size = shards[0] ? shards[0].end - shards[0].start : 0;
  if (shards.length > 1 && size !== opts.shardSize) {
    console.log(
      `--shard-size ${opts.shardSize} rounded up to ${size} images, a multiple of TEST.BATCH_SIZE ${align}`,
    );
  }
  const runId = runIdOf({ identity, shardSize: opts.shardSize });
  const run = new ShardRun<ShardJob, R>({ redis: opts.redis, queue: opts.queue, runId });
  try {
    const specs: ShardSpec<ShardJob>[] = shards.map((s) => ({ data: job(s), units: s.end - s.start }));
    console.log(
      `${title}: ${shards.length} shards of up to ${size} images on queue '${opts.queue}' (run ${runId})`,
    );
    const progress = createProgress(title, count);
    let results: R[];
    try {
      ({ results } = await run.gather(specs, {
        onProgress: (done) => progress.update(done),
        onResult: handlers.onResult
          ? (index, result) => handlers.onResult!(shards[index]!, result)
          : undefined,
      }));
    } finally {
      progress.stop();
    }
    await handlers.finish(results, shards, (indices) => run.forget(indices));
  } finally {
    await run.close();
  }
}
