/**
 * Rains in this process's memory (rain-store.ts): each method runs to completion synchronously
 * before it returns a promise, so each is atomic. Mirrors the Lua scripts of redis-rains.ts
 * rule for rule (the contract suite checks both). The lottery (memory-lottery.ts), the escrow
 * (escrow/memory-escrow.ts) and the audit read the same state in the same process.
 */
import type { LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import { dropClaimId, rainRefundId } from '../../domain/ids.js';
import { dropWindowOpen, isRainActive } from '../../domain/rain-rules.js';
import type { CreateResult } from '../packets/packet-store.js';
import type {
  ActiveDrop,
  DropGrabOutcome,
  EndRainOutcome,
  LeaseResult,
  RainRecord,
  RainStore,
  ReleaseResult,
} from './rain-store.js';
import type { Credit } from '../wallets/wallet-store.js';

export interface DropState {
  shares: number[];
  initial: number;
  releasedAt: number;
}

export interface RainState {
  record: RainRecord;
  /** Drop ids in timeline order. */
  order: string[];
  drops: Map<string, DropState>;
  /** `dropId\\nuserId` → amount */
  claims: Map<string, number>;
  board: Map<string, LeaderboardEntry>;
  outbox: Map<string, Credit>;
}

const copy = <T>(value: T): T => structuredClone(value);

/** Records a paid share: the claim, its outbox credit, the leaderboard and the rain's totals. */
export function recordClaim(
  rain: RainState,
  dropId: string,
  user: UserRef,
  amount: number,
  now: number,
): Credit {
  const r = rain.record;
  const entry = rain.board.get(user.userId);
  rain.claims.set(`${dropId}\n${user.userId}`, amount);
  const credit: Credit = {
    claimId: dropClaimId(r.id, dropId, user.userId),
    userId: user.userId,
    amount,
    sourceId: r.id,
    reason: 'drop',
    at: now,
  };
  rain.outbox.set(credit.claimId, credit);
  rain.board.set(user.userId, {
    userId: user.userId,
    name: user.name,
    amount: (entry?.amount ?? 0) + amount,
    grabs: (entry?.grabs ?? 0) + 1,
  });
  r.paid += amount;
  r.grabs += 1;
  r.remainingAmount -= amount;
  return credit;
}

export class MemoryRains implements RainStore {
  private readonly rains = new Map<string, RainState>();
  private readonly tombstones = new Set<string>();

  /** The live state of a rain, for memory-fair-rains.ts (same process, same atomicity). */
  state(rainId: string): RainState | undefined {
    return this.rains.get(rainId);
  }

  has(rainId: string): boolean {
    return this.rains.has(rainId);
  }

  /** Tombstones a rain id unless it exists (EscrowStore.abortFunded). */
  tombstone(rainId: string): 'aborted' | 'exists' {
    if (this.rains.has(rainId)) return 'exists';
    this.tombstones.add(rainId);
    return 'aborted';
  }

  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    if (this.rains.has(rain.id)) return Promise.resolve('exists');
    if (this.tombstones.has(rain.id)) return Promise.resolve('aborted');
    this.rains.set(rain.id, {
      record: copy(rain),
      order: drops.map((d) => d.dropId),
      drops: new Map(
        drops.map((d) => [d.dropId, { shares: [...d.shares], initial: d.shares.length, releasedAt: 0 }]),
      ),
      claims: new Map(),
      board: new Map(),
      outbox: new Map(),
    });
    return Promise.resolve('created');
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    const r = this.rains.get(rainId);
    return Promise.resolve(r ? copy(r.record) : null);
  }

  listActiveRains(limit: number): Promise<string[]> {
    return Promise.resolve(
      [...this.rains.values()]
        .filter((r) => isRainActive(r.record))
        .slice(0, limit)
        .map((r) => r.record.id),
    );
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return Promise.resolve(
      [...this.rains.values()]
        .map((r) => r.record)
        .filter((r) => r.roomId === roomId && isRainActive(r))
        .sort((a, b) => a.startAt - b.startAt)
        .map(copy),
    );
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    const r = this.rains.get(rainId)?.record;
    if (!r) return Promise.resolve({ acquired: false, rain: null });
    if (!isRainActive(r) || (r.leaseOwner !== nodeId && r.leaseUntil > now))
      return Promise.resolve({ acquired: false, rain: copy(r) });
    r.leaseOwner = nodeId;
    r.leaseUntil = now + ttlMs;
    return Promise.resolve({ acquired: true, rain: copy(r) });
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    const r = this.rains.get(rainId)?.record;
    if (r?.leaseOwner === nodeId) {
      r.leaseOwner = null;
      r.leaseUntil = 0;
    }
    return Promise.resolve();
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    const rain = this.rains.get(rainId);
    if (!rain || !isRainActive(rain.record)) return Promise.resolve({ ok: false, reason: 'closed' });
    const r = rain.record;
    if (r.leaseOwner !== nodeId) return Promise.resolve({ ok: false, reason: 'lease-lost' });
    if (r.released !== from) return Promise.resolve({ ok: false, reason: 'cursor-moved' });
    // Check every id before changing anything: a bad batch changes nothing.
    const drops: DropState[] = [];
    for (const [i, id] of dropIds.entries()) {
      const drop = rain.drops.get(id);
      if (rain.order[from + i] !== id || !drop)
        return Promise.reject(new Error(`drop ${id} is not drop #${from + i} of ${rainId}`));
      drops.push(drop);
    }
    for (const drop of drops) drop.releasedAt = now;
    r.released += dropIds.length;
    if (dropIds.length > 0) r.lastReleaseAt = now;
    r.leaseUntil = now + leaseTtlMs;
    const started = r.status === 'scheduled' && now >= r.startAt;
    if (started) r.status = 'running';
    return Promise.resolve({ ok: true, started });
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    const rain = this.rains.get(rainId);
    if (!rain) return Promise.resolve({ status: 'missing' });
    const r = rain.record;
    if (r.status !== 'running') return Promise.resolve({ status: 'rain-inactive' });
    const drop = rain.drops.get(dropId);
    if (!drop || !dropWindowOpen(drop.releasedAt, r.dropTtlMs, now))
      return Promise.resolve({ status: 'drop-inactive' });
    const claimKey = `${dropId}\n${user.userId}`;
    if (rain.claims.has(claimKey)) return Promise.resolve({ status: 'already' });
    const entry = rain.board.get(user.userId);
    if (r.maxGrabsPerUser !== null && (entry?.grabs ?? 0) >= r.maxGrabsPerUser)
      return Promise.resolve({ status: 'cap' });
    const amount = drop.shares.pop();
    if (amount === undefined) return Promise.resolve({ status: 'drop-empty' });
    const credit = recordClaim(rain, dropId, user, amount, now);
    return Promise.resolve({ status: 'claimed', credit: copy(credit), dropLeft: drop.shares.length });
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    const rain = this.rains.get(rainId);
    if (!rain) return Promise.resolve({ status: 'noop', rain: null });
    const r = rain.record;
    const due = r.released >= r.drops && now >= r.lastReleaseAt + r.dropTtlMs;
    if (!isRainActive(r) || (reason === 'finished' && !due))
      return Promise.resolve({ status: 'noop', rain: copy(r) });
    let refund: Credit | null = null;
    if (r.remainingAmount > 0) {
      refund = {
        claimId: rainRefundId(rainId),
        userId: r.hostId,
        amount: r.remainingAmount,
        sourceId: rainId,
        reason: 'rain-refund',
        at: now,
      };
      rain.outbox.set(refund.claimId, refund);
    }
    for (const drop of rain.drops.values()) drop.shares = [];
    r.refunded = r.remainingAmount;
    r.remainingAmount = 0;
    r.status = reason === 'finished' ? 'ended' : 'cancelled';
    r.endedAt = now;
    r.leaseOwner = null;
    r.leaseUntil = 0;
    return Promise.resolve({
      status: 'ended',
      rain: copy(r),
      refund: copy(refund),
      winners: rain.board.size,
    });
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    const board = [...(this.rains.get(rainId)?.board.values() ?? [])];
    return Promise.resolve(
      copy(board.sort((a, b) => b.amount - a.amount || b.grabs - a.grabs).slice(0, limit)),
    );
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    const e = this.rains.get(rainId)?.board.get(userId);
    return Promise.resolve({ grabs: e?.grabs ?? 0, amount: e?.amount ?? 0 });
  }

  dropReleasedAt(rainId: string, dropId: string): Promise<number | null> {
    return Promise.resolve(this.rains.get(rainId)?.drops.get(dropId)?.releasedAt ?? null);
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    const rain = this.rains.get(rainId);
    if (rain?.record.status !== 'running') return Promise.resolve([]);
    const ttl = rain.record.dropTtlMs;
    return Promise.resolve(
      rain.order.flatMap((dropId) => {
        const d = rain.drops.get(dropId);
        return d && d.shares.length > 0 && dropWindowOpen(d.releasedAt, ttl, now)
          ? [{ dropId, releasedAt: d.releasedAt, left: d.shares.length, shares: d.initial }]
          : [];
      }),
    );
  }

  /** Outbox credits older than `before` (for the reconciler). */
  staleCredits(before: number): Credit[] {
    return [...this.rains.values()].flatMap((r) =>
      [...r.outbox.values()].filter((c) => c.at < before).map(copy),
    );
  }

  ack(rainId: string, claimIds: string[]): void {
    const outbox = this.rains.get(rainId)?.outbox;
    for (const id of claimIds) outbox?.delete(id);
  }

  /** For the audit: each rain's escrow and its outbox. */
  *all(): Iterable<{ escrow: number; outbox: Iterable<Credit> }> {
    for (const r of this.rains.values())
      yield { escrow: r.record.remainingAmount, outbox: r.outbox.values() };
  }
}
