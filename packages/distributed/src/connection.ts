import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

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

/**
 * Resolves once Redis at `url` answers a PING; fails after `timeoutMs` naming the URL and the last connection
 * error, so that a wrong address is an error in bounded time. Once connected, BullMQ's clients wait through
 * outages instead.
 */
export async function probeRedis(url: string, timeoutMs: number): Promise<void> {
  // Connects at once and retries; the PING waits in the offline queue until a connection is up.
  const client = new Redis(url, redisConnection(url));
  let lastError: string | undefined;
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(
            new Error(
              `cannot reach Redis at ${redactedUrl(url)} within ${timeoutMs / 1000} s: ${lastError ?? 'no answer'}`,
            ),
          );
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
