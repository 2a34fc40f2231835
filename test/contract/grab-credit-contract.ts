/**
 * The grabAndCredit part of the store contract (called from describeStoreContract): a grab
 * whose credit lands in the same step where the store can do that (memory, single Redis), or
 * a plain claim left in the outbox for applyCredit (Redis Cluster). Either way: one claim and
 * one credit per (packet, user), whatever the retries and re-drives, and the audit balances.
 */
import { describe, expect, it } from 'vitest';
import { packetClaimId } from '../../server/domain/ids.js';
import type { Credit, Store } from '../../server/store/store.js';
import { fundPacket } from './store-contract.js';

const T0 = 1_700_000_000_000;

/** Pays a claim the way the packet service does for `credited: false`. */
async function payIfNeeded(store: Store, packetId: string, userId: string, amount: number, at: number) {
  const credit: Credit = {
    claimId: packetClaimId(packetId, userId),
    userId,
    amount,
    sourceId: packetId,
    reason: 'grab',
    at,
  };
  await store.wallets.applyCredit(credit);
  await store.escrow.ackCredits(packetId, [credit.claimId]);
}

export function describeGrabCreditContract(getStore: () => Store): void {
  describe('grabAndCredit', () => {
    it('claims once per (packet, user) and credits once, whatever the retries and re-drives', async () => {
      const store = getStore();
      const packet = await fundPacket(store, { total: 300, count: 3 });
      const first = await store.packets.grabAndCredit(packet.id, { userId: 'gc', name: 'GC' }, T0 + 1);
      if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);
      expect(first.claim).toMatchObject({
        claimId: packetClaimId(packet.id, 'gc'),
        userId: 'gc',
        at: T0 + 1,
      });
      // One claimed shape on every backend, whichever grab script answered it.
      expect(first.distanceM).toBeNull();
      expect(first.packet).toEqual({
        id: packet.id,
        roomId: packet.roomId,
        kind: packet.kind,
        status: 'open',
        remainingCount: 2,
        bestLuck: { userId: 'gc', name: 'GC', amount: first.claim.amount, at: T0 + 1 },
        expiresAt: packet.expiresAt,
      });
      if (first.credited) {
        expect(first.balance).toBe(first.claim.amount);
        // Nothing waits in the outbox: the reconciler has nothing to re-drive.
        expect(await store.escrow.listStaleCredits(T0 + 10_000, 10)).toEqual([]);
      } else {
        expect(store.kind).toBe('cluster');
        expect(await store.audit.report()).toMatchObject({ balanced: true, inFlight: first.claim.amount });
        await payIfNeeded(store, packet.id, 'gc', first.claim.amount, T0 + 1);
      }
      expect(await store.wallets.getBalance('gc')).toBe(first.claim.amount);
      // A retry answers with the same claim; a re-driven credit pays nothing.
      const again = await store.packets.grabAndCredit(packet.id, { userId: 'gc', name: 'GC' }, T0 + 2);
      expect(again).toEqual({ status: 'already', claim: first.claim });
      const redrive = await store.wallets.applyCredit({
        claimId: first.claim.claimId,
        userId: 'gc',
        amount: first.claim.amount,
        sourceId: packet.id,
        reason: 'grab',
        at: T0 + 1,
      });
      expect(redrive).toEqual({ balance: first.claim.amount, applied: false });
      expect((await store.wallets.ledger('gc', 10)).map((e) => [e.kind, e.ref])).toEqual([
        ['credit', first.claim.claimId],
      ]);
      expect(await store.audit.report()).toMatchObject({
        balanced: true,
        escrow: 300 - first.claim.amount,
        inFlight: 0,
      });
    });

    it('a crowd racing for the last shares: exactly `count` winners, every fen accounted', async () => {
      const store = getStore();
      const packet = await fundPacket(store, { total: 1_000, count: 10 });
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.packets.grabAndCredit(packet.id, { userId: `c${i}`, name: `C${i}` }, T0 + 1),
        ),
      );
      const winners = outcomes.flatMap((o) => (o.status === 'claimed' ? [o] : []));
      expect(winners).toHaveLength(10);
      expect(outcomes.filter((o) => o.status === 'empty')).toHaveLength(40);
      expect(winners.filter((w) => w.packet.status === 'finished')).toHaveLength(1);
      for (const w of winners) {
        if (!w.credited) await payIfNeeded(store, packet.id, w.claim.userId, w.claim.amount, T0 + 1);
      }
      const paid = await Promise.all(winners.map((w) => store.wallets.getBalance(w.claim.userId)));
      expect(paid.reduce((a, b) => a + b, 0)).toBe(1_000);
      expect(await store.audit.report()).toMatchObject({
        balanced: true,
        wallets: 1_000,
        escrow: 0,
        inFlight: 0,
      });
    });

    it('refuses like grab: missing, expired, locked', async () => {
      const store = getStore();
      expect(await store.packets.grabAndCredit('pk_missing', { userId: 'u', name: 'U' }, T0)).toEqual({
        status: 'missing',
      });
      const packet = await fundPacket(store, { total: 100, count: 1 });
      expect(
        await store.packets.grabAndCredit(packet.id, { userId: 'u', name: 'U' }, packet.expiresAt),
      ).toEqual({
        status: 'expired',
      });
      const song = { id: 's', title: 'Song', durationMs: 60_000 };
      const locked = await fundPacket(store, { total: 100, count: 1, unlock: { type: 'listen', song } });
      expect(await store.packets.grabAndCredit(locked.id, { userId: 'u', name: 'U' }, T0 + 1)).toEqual({
        status: 'locked',
      });
      expect(await store.wallets.getBalance('u')).toBe(0);
    });
  });
}
