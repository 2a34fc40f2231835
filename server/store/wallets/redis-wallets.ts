/**
 * Wallets over Redis / Redis Cluster (wallet-store.ts). Every atomic method is one Lua script
 * on the wallet's slot (see redis-keys.ts for the layout). The pending-holds index sits in a
 * slot of its own and is written *before* the hold script (write-ahead), so a crash leaves an
 * index entry pointing at nothing rather than money nobody can find; listStaleHolds skips and
 * cleans such entries.
 */
import type { Cluster, Redis } from 'ioredis';
import type { EscrowStore } from '../escrow/escrow-store.js';
import { decodeHold, decodeLedger } from '../redis/codec.js';
import type { RedisKeys } from '../redis/keys.js';
import { RedisPart } from '../redis/part.js';
import type { Credit, Hold, HoldResult, LedgerEntry, WalletStore } from './wallet-store.js';

/** A wallet's record, its ledger and one of its id sets: the KEYS of the wallet scripts. */
export function walletKeys(keys: RedisKeys, userId: string, set: 'mints' | 'credits' | 'holds'): string[] {
  return [keys.wallet(userId), keys.ledger(userId), keys[set](userId)];
}

export class RedisWallets extends RedisPart implements WalletStore {
  /** @param funding tombstones the packet or rain of a hold that was never made */
  constructor(
    redis: Redis | Cluster,
    keys: RedisKeys,
    private readonly funding: Pick<EscrowStore, 'abortFunded'>,
  ) {
    super(redis, keys);
  }

  private walletKeys(userId: string, set: 'mints' | 'credits' | 'holds'): string[] {
    return walletKeys(this.keys, userId, set);
  }

  getBalance(userId: string): Promise<number> {
    return this.guard(async () => Number((await this.redis.hget(this.keys.wallet(userId), 'balance')) ?? 0));
  }

  mint(
    userId: string,
    amount: number,
    mintId: string,
    at: number,
  ): Promise<{ balance: number; applied: boolean }> {
    return this.script('wallet-mint', this.walletKeys(userId, 'mints'), [userId, amount, mintId, at]);
  }

  hold(hold: Hold): Promise<HoldResult> {
    return this.guard(async () => {
      const entry = `${hold.userId}\n${hold.holdId}`;
      await this.redis.zadd(this.keys.pendingHolds(), hold.at, entry);
      const result = await this.script('wallet-hold', this.walletKeys(hold.userId, 'holds'), [
        hold.userId,
        hold.holdId,
        hold.amount,
        hold.at,
        hold.ledger ?? '',
      ]);
      if (!result.ok) await this.redis.zrem(this.keys.pendingHolds(), entry);
      return result;
    });
  }

  settleHold(userId: string, holdId: string): Promise<void> {
    return this.guard(async () => {
      await this.script('wallet-settle-hold', [this.keys.holds(userId)], [holdId]);
      await this.redis.zrem(this.keys.pendingHolds(), `${userId}\n${holdId}`);
    });
  }

  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }> {
    return this.guard(async () => {
      const reply = await this.script('wallet-release-hold', this.walletKeys(userId, 'holds'), [
        userId,
        holdId,
        at,
      ]);
      await this.redis.zrem(this.keys.pendingHolds(), `${userId}\n${holdId}`);
      return reply;
    });
  }

  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }> {
    return this.script('wallet-apply-credit', this.walletKeys(credit.userId, 'credits'), [
      credit.userId,
      credit.claimId,
      credit.amount,
      credit.at,
    ]);
  }

  listStaleHolds(before: number, limit: number): Promise<Hold[]> {
    return this.guard(async () => {
      const entries = await this.redis.zrangebyscore(
        this.keys.pendingHolds(),
        '-inf',
        `(${before}`,
        'LIMIT',
        0,
        limit,
      );
      const holds = await Promise.all(
        entries.map(async (entry) => {
          const [userId = '', holdId = ''] = entry.split('\n');
          const raw = await this.redis.hget(this.keys.holds(userId), holdId);
          const hold = raw ? decodeHold(raw) : null;
          if (hold?.state === 'held') {
            const stale: Hold = { holdId, userId, amount: hold.amount, at: hold.at };
            if (hold.ledger !== undefined) stale.ledger = hold.ledger;
            return stale;
          }
          // Settled or released (the index removal was lost), or never made (the hold script
          // never ran): make sure no packet can appear for it, then forget the entry.
          if (!hold) await this.funding.abortFunded(holdId);
          await this.redis.zrem(this.keys.pendingHolds(), entry);
          return null;
        }),
      );
      return holds.filter((h): h is Hold => h !== null);
    });
  }

  ledger(userId: string, limit: number): Promise<LedgerEntry[]> {
    return this.guard(async () => {
      const raw = await this.redis.lrange(this.keys.ledger(userId), -limit, -1);
      return raw.map(decodeLedger).reverse();
    });
  }
}
