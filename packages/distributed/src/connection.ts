import type { RedisOptions } from 'bullmq';

/** Longest pause between reconnection attempts: a restarted Redis is back in use within this. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * BullMQ connection options for a `redis://[user:password@]HOST:PORT[/DB]` (or `rediss://`) URL. Commands wait
 * through an outage instead of failing (`maxRetriesPerRequest: null`) and reconnection never gives up, so a
 * restarted Redis (with append-only persistence) finds every worker and coordinator back.
 */
export function redisConnection(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--redis ${url}: not a URL; expected redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(
      `--redis ${url}: expected redis://HOST:PORT or rediss://HOST:PORT, got ${parsed.protocol}`,
    );
  }
  if (!parsed.hostname) throw new Error(`--redis ${url}: no host; expected redis://HOST:PORT`);
  return {
    url,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(100 * times, MAX_RECONNECT_DELAY_MS),
  };
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
