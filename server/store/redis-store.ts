/**
 * RedisStore: the store over one Redis or a Redis Cluster (ioredis). Every atomic method is
 * one Lua script on one slot (see redis/keys.ts for the layout). The global indexes — live
 * packets and pending holds — sit in slots of their own and are written *before* the script
 * they index (write-ahead), so a crash leaves an index entry pointing at nothing rather than
 * money nobody can find; readers skip and clean such entries.
 *
 * Every part shares the one client, except risk, which has a client of its own (its counters
 * are many small calls that should not queue behind money scripts); `close` closes both.
 */
import type { Cluster, Redis } from 'ioredis';
import { RedisAudit } from './audit/redis-audit.js';
import { RedisCodes } from './codes/redis-codes.js';
import { RedisEscrow } from './escrow/redis-escrow.js';
import { RedisFences } from './fences/redis-fences.js';
import { RedisNodes } from './nodes/redis-nodes.js';
import { RedisPackets } from './packets/redis-packets.js';
import { RedisLottery } from './rains/redis-lottery.js';
import { RedisRains } from './rains/redis-rains.js';
import { toStoreError } from './redis/errors.js';
import type { RedisKeys } from './redis/keys.js';
import { keyspaceServers } from './redis/masters.js';
import { RedisRisk, RiskKeys } from './risk/redis-risk.js';
import { RedisRooms } from './rooms/redis-rooms.js';
import type { Store, StoreKind } from './store.js';
import { RedisWallets } from './wallets/redis-wallets.js';

export class RedisStore implements Store {
  readonly wallets: RedisWallets;
  readonly packets: RedisPackets;
  readonly rains: RedisRains;
  readonly lottery: RedisLottery;
  readonly escrow: RedisEscrow;
  readonly rooms: RedisRooms;
  readonly codes: RedisCodes;
  readonly fences: RedisFences;
  readonly nodes: RedisNodes;
  readonly audit: RedisAudit;
  readonly risk: RedisRisk;
  private readonly riskClient: Redis | Cluster;

  /** @param riskClient the risk part's own connection (default: a duplicate of `redis`) */
  constructor(
    readonly kind: Extract<StoreKind, 'redis' | 'cluster'>,
    private readonly redis: Redis | Cluster,
    keys: RedisKeys,
    riskClient?: Redis | Cluster,
  ) {
    this.escrow = new RedisEscrow(redis, keys);
    this.wallets = new RedisWallets(redis, keys, this.escrow);
    this.packets = new RedisPackets(kind, redis, keys, this.escrow);
    this.rains = new RedisRains(redis, keys);
    this.lottery = new RedisLottery(redis, keys);
    this.rooms = new RedisRooms(redis, keys);
    this.codes = new RedisCodes(redis, keys);
    this.fences = new RedisFences(redis, keys);
    this.nodes = new RedisNodes(redis, keys);
    this.audit = new RedisAudit(redis, keys);
    this.riskClient = riskClient ?? redis.duplicate();
    this.risk = new RedisRisk(this.riskClient, new RiskKeys(keys.prefix));
  }

  /** On a Cluster, every master must answer: with one down, part of the keyspace is gone. */
  async ping(): Promise<void> {
    try {
      await Promise.all(keyspaceServers(this.redis).map((server) => server.ping()));
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.redis, this.riskClient].map(async (client) => {
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      }),
    );
  }
}
