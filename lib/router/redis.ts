import { Redis } from 'ioredis';

/** Shown instead of the URL so a password in REDIS_URL never reaches a log. */
export const redactRedisUrl = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * Connects to Redis and waits for it to answer, failing with one clear line
 * when it cannot (instead of ioredis' endless reconnect attempts at start-up).
 * Once connected, ioredis reconnects by itself after a drop.
 */
export async function connectRedis(url: string, name: string, timeoutMs = 5_000): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: `entroos-${name}`,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
  });
  redis.on('error', () => {}); // reconnects are logged by the router's status listener
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    await Promise.race([redis.connect(), timer]);
    await Promise.race([redis.ping(), timer]);
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${(err as Error).message}`);
  }
  return redis;
}
