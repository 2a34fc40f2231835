import type { StoreConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { MemoryStore } from './memory-store.js';
import { createRedisClient, waitUntilReady } from './redis-connection.js';
import { RedisKeys } from './redis-keys.js';
import { RedisStore } from './redis-store.js';
import type { Store } from './store.js';

/**
 * Picks the store for the configured kind (exhaustive: an unknown kind is a type error).
 * A Redis store must be reachable at start, or this rejects and the process stops.
 */
/** @param onRedisError counts Redis client errors (rp_redis_errors_total) */
export async function createStore(
  config: StoreConfig,
  log: Logger,
  onRedisError: (client: 'store') => void = () => undefined,
): Promise<Store> {
  switch (config.kind) {
    case 'memory':
      return new MemoryStore();
    case 'redis':
    case 'cluster': {
      const client = createRedisClient(config);
      let healthy = true;
      client.on('error', (err: Error) => {
        onRedisError('store');
        if (healthy) log.warn({ err: err.message }, 'redis connection lost');
        healthy = false;
      });
      client.on('ready', () => {
        if (!healthy) log.info('redis connection restored');
        healthy = true;
      });
      try {
        await waitUntilReady(client);
      } catch (err) {
        client.disconnect();
        throw err;
      }
      return new RedisStore(config.kind, client, new RedisKeys(config.keyPrefix));
    }
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${JSON.stringify(unknown)}`);
    }
  }
}
