import { DEFAULT_QUEUE, redactedUrl, startShardWorker } from '@ssd/distributed';
import { Command } from 'commander';
import { parsePathMapping } from '../distributed/image-source';
import type { ShardJob } from '../distributed/shard-jobs';
import { ShardProcessor } from '../distributed/shard-processor';
import { positiveInt } from './options';

interface WorkerOptions {
  redis: string;
  queue: string;
  concurrency: number;
  pathMap: string[];
  lockDuration: number;
  stalledInterval: number;
  loaderWorkers: number;
}

/** `ssd worker --redis URL [--queue ssd] [--concurrency N]`: runs the shards of `ssd demo/test --redis`. */
export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'run shards of `ssd test/demo --redis` from a BullMQ queue in Redis until stopped (SIGTERM finishes the current shard)',
    )
    .requiredOption('--redis <url>', 'Redis to take shards from: redis://HOST:PORT')
    .option('--queue <name>', 'queue name (the coordinator must use the same)', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'shards run at once by this process', positiveInt('--concurrency'), 1)
    .option(
      '--path-map <from=to>',
      'read images whose path starts with FROM from TO instead: a folder here, or an http(s) URL; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--loader-workers <n>',
      'data loader threads per test shard (started for each shard: worth it only for large shards of large images)',
      positiveInt('--loader-workers'),
      0,
    )
    .option(
      '--lock-duration <ms>',
      'how long a shard stays locked without renewal: a dead worker’s shard runs elsewhere after it',
      positiveInt('--lock-duration'),
      30_000,
    )
    .option(
      '--stalled-interval <ms>',
      'how often to look for shards whose worker died',
      positiveInt('--stalled-interval'),
      30_000,
    )
    .action(async (opts: WorkerOptions) => {
      await runWorker(opts);
    });
}

async function runWorker(opts: WorkerOptions): Promise<void> {
  if (opts.concurrency < 1) throw new Error('--concurrency must be at least 1');
  const mappings = opts.pathMap.map(parsePathMapping);
  const log = (line: string) => console.log(`[worker ${process.pid}] ${line}`);
  const processor = new ShardProcessor(mappings, log, opts.loaderWorkers);
  const worker = await startShardWorker<ShardJob, unknown>({
    redis: opts.redis,
    queue: opts.queue,
    concurrency: opts.concurrency,
    lockDurationMs: opts.lockDuration,
    stalledIntervalMs: opts.stalledInterval,
    process: (job, context) => processor.process(job, context),
    log,
  });
  log(
    `taking shards from queue '${opts.queue}' at ${redactedUrl(opts.redis)} (concurrency ${opts.concurrency})`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`${signal}: finishing the current shards, then exiting`);
  // A second signal means now.
  const now = () => process.exit(1);
  process.once('SIGTERM', now);
  process.once('SIGINT', now);
  await worker.close();
  await processor.dispose();
  log(`stopped after ${worker.shardsDone} shards`);
}
