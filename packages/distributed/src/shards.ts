import { createHash } from 'node:crypto';

/** A contiguous range of work items: `[start, end)`. */
export interface ShardRange {
  index: number;
  start: number;
  end: number;
}

/**
 * Splits `total` items into shards of `shardSize` (the last may be shorter). With `align`, the size is first
 * rounded up to a multiple of it, so that every shard starts on a batch boundary and batches inside shards
 * are exactly the batches one process would make.
 */
export function planShards(total: number, shardSize: number, align = 1): ShardRange[] {
  if (!(Number.isInteger(total) && total >= 0))
    throw new Error(`shards: total ${total} must be a non-negative integer`);
  if (!(Number.isInteger(shardSize) && shardSize > 0)) {
    throw new Error(`shard size must be a positive integer, got ${shardSize}`);
  }
  if (!(Number.isInteger(align) && align > 0))
    throw new Error(`shards: align ${align} must be a positive integer`);
  const size = Math.ceil(shardSize / align) * align;
  const shards: ShardRange[] = [];
  for (let start = 0; start < total; start += size) {
    shards.push({ index: shards.length, start, end: Math.min(total, start + size) });
  }
  return shards;
}

/**
 * A run id from everything that decides a run's results (command, config, checkpoint, inputs, shard size):
 * the same command gives the same id, so running it again finds its finished shards in Redis.
 */
export function runIdOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20);
}

/** The job id of shard `index` of a run: deterministic, so adding it twice adds it once. */
export function shardJobId(runId: string, index: number): string {
  return `${runId}-${index}`;
}
