/**
 * What every concept of the game is built on (services/<concept>/index.ts): one node's config,
 * store, clock, broadcaster, metrics and log. A concept's factory takes these and the services
 * it needs from other concepts, and returns its own services and its periodic tasks.
 */
import type { Config } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { Periodic } from './periodic.js';

export interface NodeBasics {
  config: Config;
  store: Store;
  clock: Clock;
  broadcaster: Broadcaster;
  metrics: Metrics;
  log: Logger;
}

/**
 * A concept's background work: started once the node listens, stopped first when it closes
 * (each task never runs twice at once; periodic.ts).
 */
export interface ConceptTasks {
  tasks: Periodic[];
}
