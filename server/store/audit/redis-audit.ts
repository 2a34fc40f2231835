/**
 * The conservation audit over Redis: walks every wallet, packet and rain (SCAN on each
 * master) and adds up both sides. An admin operation, O(keys); exact at quiescent moments.
 */
import type { Cluster, Redis } from 'ioredis';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { fundedSourceOf } from '../../domain/ids.js';
import type { AuditStore } from './audit-store.js';
import { AuditTally } from './audit-tally.js';
import { decodeCredit, decodeHold, decodeLedger } from '../redis/codec.js';
import type { RedisKeys } from '../redis/keys.js';
import { keyspaceServers } from '../redis/masters.js';
import { RedisPart } from '../redis/part.js';

async function scanAll(redis: Redis | Cluster, pattern: string): Promise<string[]> {
  const masters = keyspaceServers(redis);
  const found = new Set<string>();
  for (const node of masters) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const k of keys) found.add(k);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found];
}

/** Adds a packet's or rain's escrow, and its outbox credits not yet applied as in flight. */
async function tallySource(
  redis: Redis | Cluster,
  keys: RedisKeys,
  tally: AuditTally,
  recordKey: string,
  outboxKey: string,
): Promise<void> {
  const [remaining, outbox] = await Promise.all([
    redis.hget(recordKey, 'remainingAmount'),
    redis.hvals(outboxKey),
  ]);
  tally.addEscrow(Number(remaining ?? 0));
  for (const credit of outbox.map(decodeCredit)) {
    if ((await redis.sismember(keys.credits(credit.userId), credit.claimId)) === 0)
      tally.addInFlight(credit.amount);
  }
}

export async function auditRedis(redis: Redis | Cluster, keys: RedisKeys): Promise<AuditReport> {
  const tally = new AuditTally();
  for (const walletKey of await scanAll(redis, keys.walletPattern())) {
    const userId = keys.idOf(walletKey);
    const [balance, ledger, holds] = await Promise.all([
      redis.hget(walletKey, 'balance'),
      redis.lrange(keys.ledger(userId), 0, -1),
      redis.hvals(keys.holds(userId)),
    ]);
    tally.wallet(Number(balance ?? 0), ledger.map(decodeLedger));
    for (const raw of holds) {
      const hold = decodeHold(raw);
      const funded =
        fundedSourceOf(hold.holdId) === 'rain' ? keys.rain(hold.holdId) : keys.packet(hold.holdId);
      if (hold.state === 'held' && (await redis.exists(funded)) === 0) tally.addInFlight(hold.amount);
    }
  }
  for (const key of await scanAll(redis, keys.packetPattern())) {
    await tallySource(redis, keys, tally, key, keys.outbox(keys.idOf(key)));
  }
  for (const key of await scanAll(redis, keys.rainPattern())) {
    await tallySource(redis, keys, tally, key, keys.rainOutbox(keys.idOf(key)));
  }
  return tally.report();
}

/** The audit as a store part: auditRedis, guarded. */
export class RedisAudit extends RedisPart implements AuditStore {
  report(): Promise<AuditReport> {
    return this.guard(() => auditRedis(this.redis, this.keys));
  }
}
