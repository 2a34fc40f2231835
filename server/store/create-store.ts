import type { StoreConfig } from '../config.js';
import { MemoryStore } from './memory-store.js';
import type { Store } from './store.js';

/**
 * Picks the store for the configured kind. Exhaustive: an unknown kind is a type error, and
 * a kind that is not built yet stops the process instead of quietly running on memory.
 */
export function createStore(config: StoreConfig): Store {
  switch (config.kind) {
    case 'memory':
      return new MemoryStore();
    case 'redis':
    case 'cluster':
      throw new Error(
        `the ${config.kind} store is not available in this build; unset REDIS_URL / REDIS_CLUSTER_NODES`,
      );
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${JSON.stringify(unknown)}`);
    }
  }
}
