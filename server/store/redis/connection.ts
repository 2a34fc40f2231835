/**
 * ioredis clients for the store, tuned so an unreachable Redis fails fast instead of hanging:
 * no offline queue (commands fail at once while disconnected), a per-command timeout, no
 * resending of unanswered commands after a reconnect (every store step is idempotent, and the
 * reconciler finishes what a failure interrupted), and reconnection forever with backoff.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { StoreConfig } from '../../config.js';

/** How long one Redis command may take before it fails as STORE_UNAVAILABLE. */
export const COMMAND_TIMEOUT_MS = 1000;

const clientOptions: RedisOptions = {
  enableOfflineQueue: false,
  commandTimeout: COMMAND_TIMEOUT_MS,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  enableAutoPipelining: true,
  retryStrategy: (times) => Math.min(50 * times, 1000),
};

export type RedisStoreConfig = Exclude<StoreConfig, { kind: 'memory' }>;

export function createRedisClient(config: RedisStoreConfig): Redis | Cluster {
  if (config.kind === 'redis') return new Redis(config.url, clientOptions);
  return new Cluster(config.nodes, {
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    scaleReads: 'master',
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    redisOptions: clientOptions,
  });
}

/** Resolves when the client is ready; rejects after `timeoutMs` (the client keeps trying). */
export function waitUntilReady(client: Redis | Cluster, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not ready within ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
