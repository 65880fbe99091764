export { probeRedis, redactedUrl, redisConnection } from './connection';
export {
  DEFAULT_QUEUE,
  type GatherOptions,
  type GatherResult,
  SHARD_JOB_NAME,
  type ShardFailure,
  ShardFailuresError,
  ShardRun,
  type ShardRunOptions,
  type ShardSpec,
} from './coordinator';
export { planShards, runIdOf, type ShardRange, shardJobId } from './shards';
export { type ShardContext, type ShardWorker, type ShardWorkerOptions, startShardWorker } from './worker';
