import type { StoreConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { MemoryRisk } from './risk/memory-risk.js';
import { createRedisClient } from './redis/connection.js';
import { RedisRisk, RiskKeys } from './risk/redis-risk.js';
import type { RiskStore } from './risk/risk-store.js';

/**
 * Picks the risk store for the configured kind (exhaustive). On Redis it opens a client of its
 * own (the same tuning as the game store's) that connects in the background and reconnects
 * forever; until it is up, risk calls fail as STORE_UNAVAILABLE (issue 17's policy).
 */
export function createRiskStore(config: StoreConfig, log: Logger): RiskStore {
  switch (config.kind) {
    case 'memory':
      return new MemoryRisk();
    case 'redis':
    case 'cluster': {
      const client = createRedisClient(config);
      client.on('error', (err: Error) => log.debug({ err: err.message }, 'risk store redis error'));
      return new RedisRisk(client, new RiskKeys(config.keyPrefix), true);
    }
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${JSON.stringify(unknown)}`);
    }
  }
}
