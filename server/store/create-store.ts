import type { StoreConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { MemoryStore } from './memory-store.js';
import { createRedisClient, waitUntilReady } from './redis/connection.js';
import { RedisKeys } from './redis/keys.js';
import { RedisStore } from './redis-store.js';
import type { Store } from './store.js';

/**
 * Picks the store for the configured kind (exhaustive: an unknown kind is a type error).
 * A Redis store need not be reachable at start: the client connects in the background and
 * keeps reconnecting for as long as it takes; until then every store call fails at once as
 * STORE_UNAVAILABLE and `/readyz` says not ready (issue 17: a node outlives its Redis).
 */
export interface CreatedStore {
  store: Store;
  /** Resolves true once the store answers, or false after `timeoutMs` (it keeps trying). */
  whenReady(timeoutMs: number): Promise<boolean>;
}

/** @param onRedisError counts Redis client errors (rp_redis_errors_total) */
export function createStore(
  config: StoreConfig,
  log: Logger,
  onRedisError: () => void = () => undefined,
): CreatedStore {
  switch (config.kind) {
    case 'memory':
      return { store: new MemoryStore(), whenReady: () => Promise.resolve(true) };
    case 'redis':
    case 'cluster': {
      const client = createRedisClient(config);
      let healthy = true;
      let everReady = false;
      client.on('error', (err: Error) => {
        onRedisError();
        if (healthy)
          log.warn({ err: err.message }, everReady ? 'redis connection lost' : 'redis not reachable yet');
        healthy = false;
      });
      client.on('ready', () => {
        if (!healthy) log.info(everReady ? 'redis connection restored' : 'redis connected');
        healthy = true;
        everReady = true;
      });
      const riskClient = createRedisClient(config);
      riskClient.on('error', (err: Error) => log.debug({ err: err.message }, 'risk store redis error'));
      return {
        store: new RedisStore(config.kind, client, new RedisKeys(config.keyPrefix), riskClient),
        whenReady: (timeoutMs) =>
          waitUntilReady(client, timeoutMs).then(
            () => true,
            () => false,
          ),
      };
    }
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${JSON.stringify(unknown)}`);
    }
  }
}
