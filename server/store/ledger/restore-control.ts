/**
 * Who restores Redis from the ledger, and whether Redis still holds its dataset — three keys
 * on one slot (keys.ts `{restore}`), read by every node each probe tick (restore-watch.ts):
 *
 *   marker    the restorer's id, SET NX with a TTL it refreshes while it runs: at most one
 *             restore at a time, and nodes answer money requests STORE_UNAVAILABLE meanwhile
 *   pending   set before a restore writes anything, cleared when it is done: a restorer that
 *             died half-way left it, so the next one restores again (into a non-empty Redis)
 *   sentinel  written when Redis is known to hold the dataset (a node found it there, or a
 *             restore finished): a Redis that lost its dataset (FLUSHALL, a restart without
 *             persistence, a new host) lost the sentinel with it
 *
 * `run` is the restore both `npm run restore` and a node's automatic restore go through:
 * marker first, sentinel and marker cleared last.
 */
import type { Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import type { StoreConfig } from '../../config/types.js';
import { createRedisClient } from '../redis/connection.js';
import { RedisKeys } from '../redis/keys.js';
import { RedisPart } from '../redis/part.js';
import { toLedgerError } from './ledger-errors.js';
import { RedisRestorer } from './redis-restorer.js';
import { RedisNotEmptyError, restore, type RestoreOptions, type RestoreReport } from './restore.js';

export interface RestoreState {
  /** The id of whoever holds the restore marker, null if nobody does. */
  restoring: string | null;
  sentinel: boolean;
  pending: boolean;
}

export class RestoreInProgressError extends Error {
  constructor(readonly holder: string) {
    super(`a restore is already running (by ${holder})`);
    this.name = 'RestoreInProgressError';
  }
}

/** How long the marker outlives a restorer that stopped refreshing it, ms. */
export const RESTORE_MARKER_TTL_MS = 10_000;

export class RestoreControl extends RedisPart {
  constructor(
    redis: Redis | Cluster,
    keys: RedisKeys,
    private readonly pool: pg.Pool,
    private readonly markerTtlMs = RESTORE_MARKER_TTL_MS,
  ) {
    super(redis, keys);
  }

  /** The three keys in one read (they share a slot). Rejects with StoreUnavailableError. */
  state(): Promise<RestoreState> {
    const k = this.keys;
    return this.guard(async () => {
      const [marker, sentinel, pending] = await this.redis.mget(
        k.restoreMarker(),
        k.restoreSentinel(),
        k.restorePending(),
      );
      return { restoring: marker ?? null, sentinel: sentinel !== null, pending: pending !== null };
    });
  }

  /** Whether PostgreSQL holds any ledger entry (an empty ledger has nothing to restore). */
  async ledgerHasEntries(): Promise<boolean> {
    try {
      const result = await this.pool.query<{ found: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM ledger_entries) AS found',
      );
      return result.rows[0]?.found === true;
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  /** No wallet, packet or rain of this prefix on any master (a SCAN: rare, not per tick). */
  redisIsEmpty(): Promise<boolean> {
    return new RedisRestorer(this.redis, this.keys).isEmpty();
  }

  /** Records that Redis holds the dataset. */
  async markIntact(now = Date.now()): Promise<void> {
    await this.guard(() => this.redis.set(this.keys.restoreSentinel(), String(now)));
  }

  /**
   * Restores Redis from the ledger as `restorerId`, holding the marker throughout. Refuses a
   * Redis that holds wallets, packets or rains unless `force` (RedisNotEmptyError), and a
   * restore someone else runs (RestoreInProgressError). On success the sentinel is written
   * and `pending` cleared; on failure `pending` stays (if it was set) for the next try.
   */
  async run(restorerId: string, options: RestoreOptions = {}): Promise<RestoreReport> {
    const k = this.keys;
    const took = await this.guard(() =>
      this.redis.set(k.restoreMarker(), restorerId, 'PX', this.markerTtlMs, 'NX'),
    );
    if (took !== 'OK') {
      const holder = await this.guard(() => this.redis.get(k.restoreMarker()));
      throw new RestoreInProgressError(holder ?? 'someone');
    }
    const refresh = setInterval(() => {
      void this.refresh(restorerId).catch(() => undefined);
    }, this.markerTtlMs / 3);
    refresh.unref();
    try {
      if (!options.force && !(await this.redisIsEmpty())) throw new RedisNotEmptyError(k.prefix);
      await this.guard(() => this.redis.set(k.restorePending(), restorerId));
      const report = await restore(this.pool, this.redis, k, { ...options, force: true });
      await this.markIntact();
      await this.guard(() => this.redis.del(k.restorePending()));
      return report;
    } finally {
      clearInterval(refresh);
      await this.release(restorerId).catch(() => undefined);
    }
  }

  /** Extends the marker if `restorerId` still holds it. */
  private async refresh(restorerId: string): Promise<void> {
    const k = this.keys;
    if ((await this.redis.get(k.restoreMarker())) === restorerId)
      await this.redis.pexpire(k.restoreMarker(), this.markerTtlMs);
  }

  /** Clears the marker if `restorerId` still holds it. */
  private async release(restorerId: string): Promise<void> {
    const k = this.keys;
    if ((await this.redis.get(k.restoreMarker())) === restorerId) await this.redis.del(k.restoreMarker());
  }
}

/** A RestoreControl on its own Redis connection (a node's: the store's client is its own). */
export function connectRestoreControl(
  config: Exclude<StoreConfig, { kind: 'memory' }>,
  pool: pg.Pool,
): { control: RestoreControl; close(): void } {
  const redis = createRedisClient(config);
  redis.on('error', () => undefined); // the store's own client reports Redis being away
  return {
    control: new RestoreControl(redis, new RedisKeys(config.keyPrefix), pool),
    close: () => redis.disconnect(),
  };
}
