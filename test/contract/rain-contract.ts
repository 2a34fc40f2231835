/**
 * The rain part of the store contract (called from describeStoreContract): leases, fenced
 * releases, the grab rules at their edges, ending and refunds, with times injected.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { newRainSeed, rainTimeline, type DropPlan } from '../../server/domain/rain-timeline.js';
import { seedCommitment, splitRandomInt } from '../../server/domain/rain-fairness.js';
import { luckySplit } from '../../server/domain/split.js';
import type { Credit, RainRecord, Store } from '../../server/store/store.js';
import { describeRainFairContract } from './rain-fair-contract.js';

const T0 = 1_700_000_000_000;
const TTL = 3_000;
let seq = 0;

export interface Funded {
  rain: RainRecord;
  timeline: DropPlan[];
}

export async function fundRain(store: Store, over: Partial<RainRecord> = {}): Promise<Funded> {
  const drops = over.drops ?? 10;
  const sharesPerDrop = over.sharesPerDrop ?? 2;
  const total = over.total ?? 2_000;
  const rain: RainRecord = {
    id: `rn_test_${++seq}_${Math.random().toString(36).slice(2, 8)}`,
    roomId: 'rain-room',
    hostId: 'rain-host',
    hostName: 'Host',
    total,
    drops,
    sharesPerDrop,
    split: 'lucky',
    startAt: T0 + 1_000,
    durationMs: 10_000,
    dropTtlMs: TTL,
    maxGrabsPerUser: null,
    seed: newRainSeed(),
    createdAt: T0,
    status: 'scheduled',
    released: 0,
    lastReleaseAt: 0,
    paid: 0,
    grabs: 0,
    refunded: 0,
    remainingAmount: total,
    endedAt: null,
    leaseOwner: null,
    leaseUntil: 0,
    drawn: 0,
    mode: 'race',
    windowMs: 400,
    reactionFloorMs: 150,
    maxTapsPerSec: 1_000,
    seedHash: '',
    ...over,
  };
  const timeline = rainTimeline(rain.seed, drops, rain.durationMs);
  rain.seedHash = seedCommitment(rain.seed);
  // Amounts from the seed, as RainService splits them, so a replay can recompute them.
  const shares = luckySplit(total, drops * sharesPerDrop, splitRandomInt(rain.seed));
  await store.wallets.mint(rain.hostId, total, `mint-${rain.id}`, T0);
  expect((await store.wallets.hold({ holdId: rain.id, userId: rain.hostId, amount: total, at: T0 })).ok).toBe(
    true,
  );
  const dropShares = timeline.map((d, i) => ({
    dropId: d.dropId,
    shares: shares.slice(i * sharesPerDrop, (i + 1) * sharesPerDrop),
  }));
  expect(await store.rains.createRain(rain, dropShares)).toBe('created');
  await store.wallets.settleHold(rain.hostId, rain.id);
  return { rain, timeline };
}

/** Takes the lease as node `n1` and releases the first `count` drops at `at`. */
async function release(store: Store, f: Funded, count: number, at: number): Promise<void> {
  const lease = await store.rains.acquireRainLease(f.rain.id, 'n1', at, 5_000);
  expect(lease.acquired).toBe(true);
  const from = lease.rain?.released ?? 0;
  const ids = f.timeline.slice(from, from + count).map((d) => d.dropId);
  expect(await store.rains.releaseDrops(f.rain.id, 'n1', from, ids, at, 5_000)).toMatchObject({ ok: true });
}

const user = (id: string): { userId: string; name: string } => ({ userId: id, name: id.toUpperCase() });

async function payAll(store: Store, credits: Credit[]): Promise<void> {
  for (const c of credits) await store.wallets.applyCredit(c);
}

export function describeRainContract(getStore: () => Store): void {
  describeRainFairContract(getStore);
  describe('rains', () => {
    let store: Store;
    beforeEach(() => {
      store = getStore();
    });

    it('funding moves the budget into escrow; the rain is listed as active', async () => {
      const f = await fundRain(store, { total: 5_000, drops: 5, sharesPerDrop: 1 });
      expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 5_000, wallets: 0 });
      expect(await store.rains.listActiveRains(10)).toContain(f.rain.id);
      expect((await store.rains.listRoomRains('rain-room')).map((r) => r.id)).toContain(f.rain.id);
      expect(await store.rains.getRain(f.rain.id)).toMatchObject({
        status: 'scheduled',
        released: 0,
        remainingAmount: 5_000,
      });
      expect(await store.escrow.abortFunded(f.rain.id)).toBe('exists');
      await store.rains.endRain(f.rain.id, T0, 'cancelled');
      await payAll(store, await store.escrow.listStaleCredits(T0 + 1, 10));
    });

    it('an aborted rain id can never be created', async () => {
      expect(await store.escrow.abortFunded('rn_ghost_1')).toBe('aborted');
      const f = fundRain(store, { id: 'rn_ghost_1' });
      await expect(f).rejects.toThrow();
      await store.wallets.releaseHold('rain-host', 'rn_ghost_1', T0);
    });

    it('grants one lease at a time, hands it over on expiry or release', async () => {
      const { rain } = await fundRain(store);
      expect((await store.rains.acquireRainLease(rain.id, 'a', T0, 3_000)).acquired).toBe(true);
      expect((await store.rains.acquireRainLease(rain.id, 'b', T0 + 2_999, 3_000)).acquired).toBe(false);
      expect((await store.rains.acquireRainLease(rain.id, 'a', T0 + 2_000, 3_000)).acquired).toBe(true); // renew
      expect((await store.rains.acquireRainLease(rain.id, 'b', T0 + 4_999, 3_000)).acquired).toBe(false);
      const b = await store.rains.acquireRainLease(rain.id, 'b', T0 + 5_000, 3_000);
      expect(b).toMatchObject({ acquired: true, rain: { leaseOwner: 'b' } });
      await store.rains.releaseRainLease(rain.id, 'a'); // not a's any more: no effect
      expect((await store.rains.acquireRainLease(rain.id, 'c', T0 + 5_001, 3_000)).acquired).toBe(false);
      await store.rains.releaseRainLease(rain.id, 'b');
      expect((await store.rains.acquireRainLease(rain.id, 'c', T0 + 5_001, 3_000)).acquired).toBe(true);
      await store.rains.endRain(rain.id, T0, 'cancelled');
      await payAll(store, await store.escrow.listStaleCredits(T0 + 1, 10));
    });

    it('releases each drop at most once, fenced by lease and cursor; starts at startAt', async () => {
      const f = await fundRain(store);
      const { rain, timeline } = f;
      const ids = timeline.map((d) => d.dropId);
      await store.rains.acquireRainLease(rain.id, 'n1', T0, 5_000);
      expect(await store.rains.releaseDrops(rain.id, 'n2', 0, ids.slice(0, 2), T0 + 1_000, 5_000)).toEqual({
        ok: false,
        reason: 'lease-lost',
      });
      // Before startAt the lease renews but the rain stays scheduled.
      expect(await store.rains.releaseDrops(rain.id, 'n1', 0, [], T0 + 999, 5_000)).toEqual({
        ok: true,
        started: false,
      });
      expect(await store.rains.releaseDrops(rain.id, 'n1', 0, ids.slice(0, 2), T0 + 1_000, 5_000)).toEqual({
        ok: true,
        started: true,
      });
      expect(await store.rains.releaseDrops(rain.id, 'n1', 0, ids.slice(0, 2), T0 + 1_100, 5_000)).toEqual({
        ok: false,
        reason: 'cursor-moved',
      });
      expect(await store.rains.releaseDrops(rain.id, 'n1', 2, ids.slice(2, 3), T0 + 1_200, 5_000)).toEqual({
        ok: true,
        started: false,
      });
      await expect(
        store.rains.releaseDrops(rain.id, 'n1', 3, [ids[5]!], T0 + 1_300, 5_000),
      ).rejects.toThrow();
      expect(await store.rains.getRain(rain.id)).toMatchObject({
        status: 'running',
        released: 3,
        lastReleaseAt: T0 + 1_200,
      });
      await store.rains.endRain(rain.id, T0 + 1_300, 'cancelled');
      expect(await store.rains.releaseDrops(rain.id, 'n1', 3, ids.slice(3, 4), T0 + 1_400, 5_000)).toEqual({
        ok: false,
        reason: 'closed',
      });
      await payAll(store, await store.escrow.listStaleCredits(T0 + 2_000, 10));
    });

    it('enforces the grab rules: window edges, once per drop, cap, empty, forged ids', async () => {
      const f = await fundRain(store, { maxGrabsPerUser: 2, drops: 6, sharesPerDrop: 2, total: 1_200 });
      const [d0, d1, d2, d3] = f.timeline.map((d) => d.dropId);
      const at = T0 + 1_000;
      expect(await store.rains.grabDrop(f.rain.id, d0!, user('u1'), at)).toEqual({ status: 'rain-inactive' });
      await release(store, f, 4, at);
      const credits: Credit[] = [];
      const grab = async (dropId: string, u: string, t: number): Promise<string> => {
        const o = await store.rains.grabDrop(f.rain.id, dropId, user(u), t);
        if (o.status === 'claimed') credits.push(o.credit);
        return o.status;
      };
      expect(await grab(f.timeline[4]!.dropId, 'u1', at)).toBe('drop-inactive'); // not released
      expect(await grab('d_forged_id_000000000000', 'u1', at)).toBe('drop-inactive');
      expect(await grab(d0!, 'u1', at - 1)).toBe('drop-inactive'); // before its release
      expect(await grab(d0!, 'u1', at)).toBe('claimed'); // window opens at release
      expect(await grab(d0!, 'u1', at + 1)).toBe('already');
      expect(await grab(d1!, 'u1', at + TTL - 1)).toBe('claimed'); // last ms of the window
      expect(await grab(d2!, 'u1', at + 10)).toBe('cap'); // 2 grabs max
      expect(await grab(d2!, 'u2', at + TTL)).toBe('drop-inactive'); // window closed
      expect(await grab(d0!, 'u2', at + 5)).toBe('claimed');
      expect(await grab(d0!, 'u3', at + 6)).toBe('drop-empty');
      expect(await store.rains.rainUserStats(f.rain.id, 'u1')).toMatchObject({ grabs: 2 });
      expect(await store.rains.rainUserStats(f.rain.id, 'nobody')).toEqual({ grabs: 0, amount: 0 });
      const active = await store.rains.activeDrops(f.rain.id, at + 10);
      expect(active.map((d) => d.dropId)).toEqual([d1, d2, d3]); // d0 is empty
      expect(active[0]).toMatchObject({ left: 1, shares: 2, releasedAt: at });
      expect(await store.rains.activeDrops(f.rain.id, at + TTL)).toEqual([]);
      const board = await store.rains.rainLeaderboard(f.rain.id, 10);
      expect(board.map((e) => e.userId).sort()).toEqual(['u1', 'u2']);
      expect(board[0]!.amount).toBeGreaterThanOrEqual(board[1]!.amount);
      const paid = credits.reduce((s, c) => s + c.amount, 0);
      expect(await store.rains.getRain(f.rain.id)).toMatchObject({
        paid,
        grabs: 3,
        remainingAmount: 1_200 - paid,
      });
      expect(await store.audit.report()).toMatchObject({ balanced: true, inFlight: paid });
      await payAll(store, credits);
      await store.rains.endRain(f.rain.id, at + 10, 'cancelled');
      await payAll(store, await store.escrow.listStaleCredits(at + 100, 10));
    });

    it('200 concurrent grabbers of a 10-share drop: exactly 10 win', async () => {
      const f = await fundRain(store, { drops: 1, sharesPerDrop: 10, total: 1_000 });
      await release(store, f, 1, T0 + 1_000);
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.rains.grabDrop(f.rain.id, f.timeline[0]!.dropId, user(`c${i}`), T0 + 1_001),
        ),
      );
      const wins = outcomes.flatMap((o) => (o.status === 'claimed' ? [o.credit] : []));
      expect(wins).toHaveLength(10);
      expect(wins.reduce((s, c) => s + c.amount, 0)).toBe(1_000);
      expect(outcomes.filter((o) => o.status === 'drop-empty')).toHaveLength(190);
      await payAll(store, wins);
      expect(await store.rains.endRain(f.rain.id, T0 + 1_001 + TTL, 'finished')).toMatchObject({
        status: 'ended',
        refund: null,
        winners: 10,
      });
    });

    it('finishes only after the last window; refunds the rest once; cancel works any time', async () => {
      const f = await fundRain(store, { drops: 3, sharesPerDrop: 1, total: 300 });
      await release(store, f, 2, T0 + 1_000);
      expect(await store.rains.endRain(f.rain.id, T0 + 9_000, 'finished')).toMatchObject({ status: 'noop' }); // a drop unreleased
      await release(store, f, 1, T0 + 2_000);
      const g = await store.rains.grabDrop(f.rain.id, f.timeline[2]!.dropId, user('w'), T0 + 2_000);
      if (g.status !== 'claimed') throw new Error('expected a claim');
      expect(await store.rains.endRain(f.rain.id, T0 + 2_000 + TTL - 1, 'finished')).toMatchObject({
        status: 'noop',
      });
      const ended = await store.rains.endRain(f.rain.id, T0 + 2_000 + TTL, 'finished');
      if (ended.status !== 'ended') throw new Error('expected the end');
      expect(ended.rain).toMatchObject({
        status: 'ended',
        refunded: 300 - g.credit.amount,
        remainingAmount: 0,
        paid: g.credit.amount,
      });
      expect(ended.refund).toMatchObject({
        userId: 'rain-host',
        amount: 300 - g.credit.amount,
        reason: 'rain-refund',
      });
      expect(ended.winners).toBe(1);
      expect(await store.rains.endRain(f.rain.id, T0 + 9_999, 'cancelled')).toMatchObject({ status: 'noop' });
      expect(await store.rains.grabDrop(f.rain.id, f.timeline[1]!.dropId, user('late'), T0 + 2_001)).toEqual({
        status: 'rain-inactive',
      });
      expect(await store.rains.listActiveRains(100)).not.toContain(f.rain.id);
      expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: 300 });
      await payAll(store, [g.credit, ended.refund!]);
      await payAll(store, [ended.refund!]); // re-driven: pays nothing
      await store.escrow.ackCredits(f.rain.id, [g.credit.claimId, ended.refund!.claimId]);
      expect(await store.escrow.listStaleCredits(T0 + 99_999, 10)).toEqual([]);
      expect(await store.audit.report()).toMatchObject({ wallets: 300, escrow: 0, inFlight: 0 });
    });
  });
}
