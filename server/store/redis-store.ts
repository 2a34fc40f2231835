/**
 * RedisStore: the Store over one Redis or a Redis Cluster (ioredis). Every atomic method is
 * one Lua script on one slot (see redis-keys.ts for the layout). The global indexes — live
 * packets and pending holds — sit in slots of their own and are written *before* the script
 * they index (write-ahead), so a crash leaves an index entry pointing at nothing rather than
 * money nobody can find; readers skip and clean such entries.
 *
 * It composes one part per concept (composed-store.ts), each over the same client:
 * wallets (redis-wallets.ts), packets (redis-packets.ts, outboxes in redis-outbox.ts), rains
 * (redis-rain-store.ts over redis-rains.ts), rooms (redis-rooms.ts) and the audit
 * (redis-audit.ts).
 */
import type { Cluster, Redis } from 'ioredis';
import { ComposedStore } from './composed-store.js';
import { RedisAudit } from './audit/redis-audit.js';
import { RedisCodes } from './codes/redis-codes.js';
import { RedisFences } from './fences/redis-fences.js';
import { RedisFairRains } from './rains/redis-lottery.js';
import type { RedisKeys } from './redis/keys.js';
import { keyspaceServers } from './redis/masters.js';
import { RedisNodes } from './nodes/redis-nodes.js';
import { RedisPackets } from './packets/redis-packets.js';
import { guarded } from './redis/part.js';
import { RedisRainStore } from './redis-rain-store.js';
import { RedisRooms } from './rooms/redis-rooms.js';
import { RedisWallets } from './wallets/redis-wallets.js';
import type { NodeRegistry } from './nodes/node-registry.js';
import type { RainFairStore } from './rains/lottery-store.js';
import type { StoreKind } from './store.js';

export class RedisStore extends ComposedStore {
  readonly nodes: NodeRegistry;
  readonly codes: RedisCodes;
  readonly fences: RedisFences;
  readonly fairRains: RainFairStore;

  constructor(
    readonly kind: Extract<StoreKind, 'redis' | 'cluster'>,
    private readonly redis: Redis | Cluster,
    keys: RedisKeys,
  ) {
    const packets = new RedisPackets(kind, redis, keys);
    super({
      wallets: new RedisWallets(redis, keys, packets),
      packets,
      rains: new RedisRainStore(redis, keys),
      rooms: new RedisRooms(redis, keys),
      audit: new RedisAudit(redis, keys),
    });
    this.nodes = new RedisNodes(redis, keys);
    this.codes = new RedisCodes(redis, keys, guarded);
    this.fences = new RedisFences(redis, keys, guarded);
    this.fairRains = new RedisFairRains(redis, keys, guarded);
  }

  /** On a Cluster, every master must answer: with one down, part of the keyspace is gone. */
  ping(): Promise<void> {
    return guarded(async () => {
      await Promise.all(keyspaceServers(this.redis).map((server) => server.ping()));
    });
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
