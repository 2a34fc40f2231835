/**
 * The store contract, written once and run against every Store implementation:
 *   describeStoreContract('MemoryStore', async () => new MemoryStore());
 * Each test gets a fresh, empty store from the factory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packetClaimId } from '../../server/domain/ids.js';
import { luckySplit } from '../../server/domain/split.js';
import type { Credit, PacketRecord, Store } from '../../server/store/store.js';
import { describeNodeRegistryContract } from './node-registry-contract.js';
import { describeCodeContract } from './code-contract.js';
import { describeGrabCreditContract } from './grab-credit-contract.js';
import { describeRainContract } from './rain-contract.js';
import { describeTimedContract } from './timed-contract.js';
import { describeFenceContract } from './fence-contract.js';

export type StoreFactory = () => Promise<Store>;

const T0 = 1_700_000_000_000;
let seq = 0;

export function packetRecord(over: Partial<PacketRecord> = {}): PacketRecord {
  const total = over.total ?? 10_000;
  const count = over.count ?? 100;
  return {
    id: `pk_test_${++seq}_${Math.random().toString(36).slice(2, 8)}`,
    roomId: 'room-1',
    senderId: 'sender',
    senderName: 'Sender',
    kind: 'lucky',
    total,
    count,
    greeting: '',
    createdAt: T0,
    opensAt: null,
    expiresAt: T0 + 60_000,
    status: 'open',
    remainingCount: count,
    remainingAmount: total,
    bestLuck: null,
    unlock: null,
    ...over,
  };
}

/** Funds and creates a packet through the store's steps, as the packet service does. */
export async function fundPacket(store: Store, over: Partial<PacketRecord> = {}): Promise<PacketRecord> {
  const packet = packetRecord(over);
  await store.wallets.mint(packet.senderId, packet.total, `mint-${packet.id}`, T0);
  const held = await store.wallets.hold({
    holdId: packet.id,
    userId: packet.senderId,
    amount: packet.total,
    at: T0,
  });
  expect(held.ok).toBe(true);
  expect(await store.packets.createPacket(packet, luckySplit(packet.total, packet.count))).toBe('created');
  await store.wallets.settleHold(packet.senderId, packet.id);
  return packet;
}

const creditOf = (packetId: string, userId: string, amount: number, at = T0): Credit => ({
  claimId: packetClaimId(packetId, userId),
  userId,
  amount,
  sourceId: packetId,
  reason: 'grab',
  at,
});

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      expect(await store.audit.report()).toMatchObject({
        balanced: true,
        difference: 0,
        doubleClaims: 0,
        ledgerMismatches: 0,
      });
      await store.close();
    });

    describe('wallets', () => {
      it('mints once per mint id, and ledgers it', async () => {
        expect(await store.wallets.mint('u1', 500, 'm1', T0)).toEqual({ balance: 500, applied: true });
        expect(await store.wallets.mint('u1', 500, 'm1', T0)).toEqual({ balance: 500, applied: false });
        expect(await store.wallets.mint('u1', 250, 'm2', T0)).toEqual({ balance: 750, applied: true });
        expect(await store.wallets.getBalance('u1')).toBe(750);
        const ledger = await store.wallets.ledger('u1', 10);
        expect(ledger.map((e) => [e.kind, e.amount, e.balance, e.ref])).toEqual([
          ['mint', 250, 750, 'm2'],
          ['mint', 500, 500, 'm1'],
        ]);
        expect(await store.audit.report()).toMatchObject({
          minted: 750,
          wallets: 750,
          escrow: 0,
          inFlight: 0,
        });
      });

      it('a hold beyond the balance leaves no trace', async () => {
        await store.wallets.mint('u1', 100, 'm1', T0);
        const before = await store.wallets.ledger('u1', 10);
        expect(await store.wallets.hold({ holdId: 'h1', userId: 'u1', amount: 101, at: T0 })).toEqual({
          ok: false,
          balance: 100,
        });
        expect(await store.wallets.getBalance('u1')).toBe(100);
        expect(await store.wallets.ledger('u1', 10)).toEqual(before);
        expect(await store.wallets.listStaleHolds(T0 + 1, 10)).toEqual([]);
        // A later hold with the same id is judged afresh, not remembered as refused.
        await store.wallets.mint('u1', 1, 'm2', T0);
        expect(await store.wallets.hold({ holdId: 'h1', userId: 'u1', amount: 101, at: T0 })).toEqual({
          ok: true,
          balance: 0,
        });
        await store.wallets.releaseHold('u1', 'h1', T0);
      });

      it('a hold from an unknown wallet is refused', async () => {
        expect(await store.wallets.hold({ holdId: 'h1', userId: 'nobody', amount: 1, at: T0 })).toEqual({
          ok: false,
          balance: 0,
        });
      });

      it('holds are idempotent, and release returns the money exactly once', async () => {
        await store.wallets.mint('u1', 300, 'm1', T0);
        expect(await store.wallets.hold({ holdId: 'h1', userId: 'u1', amount: 200, at: T0 })).toEqual({
          ok: true,
          balance: 100,
        });
        expect(await store.wallets.hold({ holdId: 'h1', userId: 'u1', amount: 200, at: T0 })).toEqual({
          ok: true,
          balance: 100,
        });
        // A held hold whose packet never appeared is money in flight.
        expect(await store.audit.report()).toMatchObject({ balanced: true, wallets: 100, inFlight: 200 });
        expect(await store.wallets.listStaleHolds(T0 + 1, 10)).toEqual([
          { holdId: 'h1', userId: 'u1', amount: 200, at: T0 },
        ]);
        expect(await store.wallets.releaseHold('u1', 'h1', T0)).toEqual({ balance: 300, applied: true });
        expect(await store.wallets.releaseHold('u1', 'h1', T0)).toEqual({ balance: 300, applied: false });
        await store.wallets.settleHold('u1', 'h1'); // released holds stay released
        expect(await store.wallets.listStaleHolds(T0 + 1, 10)).toEqual([]);
        expect(await store.audit.report()).toMatchObject({ wallets: 300, inFlight: 0 });
      });

      it('a settled hold cannot be released', async () => {
        const packet = await fundPacket(store, { total: 500, count: 5 });
        expect(await store.wallets.releaseHold(packet.senderId, packet.id, T0)).toEqual({
          balance: 0,
          applied: false,
        });
        expect(await store.wallets.listStaleHolds(T0 + 1, 10)).toEqual([]);
      });

      it('credits once per claim id', async () => {
        const packet = await fundPacket(store, { total: 100, count: 1 });
        const out = await store.packets.grab(packet.id, { userId: 'u2', name: 'U2' }, T0);
        expect(out.status).toBe('claimed');
        const credit = creditOf(packet.id, 'u2', 100);
        expect(await store.wallets.applyCredit(credit)).toEqual({ balance: 100, applied: true });
        expect(await store.wallets.applyCredit(credit)).toEqual({ balance: 100, applied: false });
        expect((await store.wallets.ledger('u2', 10)).map((e) => e.kind)).toEqual(['credit']);
      });
    });

    describe('packets', () => {
      it('funding moves the money into escrow', async () => {
        const packet = await fundPacket(store, { total: 1_000, count: 10 });
        expect(await store.wallets.getBalance(packet.senderId)).toBe(0);
        expect(await store.audit.report()).toMatchObject({
          minted: 1_000,
          wallets: 0,
          escrow: 1_000,
          inFlight: 0,
        });
        const stored = await store.packets.getPacket(packet.id);
        expect(stored).toMatchObject({
          id: packet.id,
          status: 'open',
          remainingCount: 10,
          remainingAmount: 1_000,
        });
        expect((await store.packets.listOpenPackets('room-1', 10)).map((p) => p.id)).toEqual([packet.id]);
      });

      it('create is idempotent, and abort makes a packet impossible', async () => {
        const packet = await fundPacket(store, { total: 100, count: 2 });
        expect(await store.packets.createPacket(packet, [50, 50])).toBe('exists');
        expect(await store.escrow.abortFunded(packet.id)).toBe('exists');
        const ghost = packetRecord({ total: 100, count: 2 });
        expect(await store.escrow.abortFunded(ghost.id)).toBe('aborted');
        expect(await store.escrow.abortFunded(ghost.id)).toBe('aborted');
        expect(await store.packets.createPacket(ghost, [50, 50])).toBe('aborted');
        expect(await store.packets.getPacket(ghost.id)).toBeNull();
      });

      it('1,000 concurrent grabs of 100 shares: exactly 100 distinct winners, sum = total', async () => {
        const packet = await fundPacket(store, { total: 10_000, count: 100 });
        const outcomes = await Promise.all(
          Array.from({ length: 1_000 }, (_, i) =>
            store.packets.grab(packet.id, { userId: `g${i}`, name: `G${i}` }, T0 + 1),
          ),
        );
        const winners = outcomes.flatMap((o) => (o.status === 'claimed' ? [o.claim] : []));
        expect(winners).toHaveLength(100);
        expect(new Set(winners.map((c) => c.userId)).size).toBe(100);
        expect(winners.reduce((s, c) => s + c.amount, 0)).toBe(10_000);
        expect(outcomes.filter((o) => o.status === 'empty')).toHaveLength(900);
        // Until credited, the claims are money in flight.
        expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: 10_000 });
        await Promise.all(
          winners.map((c) => store.wallets.applyCredit(creditOf(packet.id, c.userId, c.amount, c.at))),
        );
        const stored = await store.packets.getPacket(packet.id);
        expect(stored).toMatchObject({ status: 'finished', remainingCount: 0, remainingAmount: 0 });
        const best = Math.max(...winners.map((c) => c.amount));
        expect(stored?.bestLuck?.amount).toBe(best);
        expect(await store.packets.getClaims(packet.id)).toHaveLength(100);
        expect(await store.packets.listOpenPackets('room-1', 10)).toEqual([]);
        expect(await store.audit.report()).toMatchObject({ wallets: 10_000, escrow: 0, inFlight: 0 });
      });

      it('one user racing themselves gets one share; retries answer with the same claim', async () => {
        const packet = await fundPacket(store, { total: 1_000, count: 10 });
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.packets.grab(packet.id, { userId: 'solo', name: 'Solo' }, T0 + 1),
          ),
        );
        const claimed = outcomes.filter((o) => o.status === 'claimed');
        expect(claimed).toHaveLength(1);
        const claim = claimed[0]?.status === 'claimed' ? claimed[0].claim : undefined;
        for (const o of outcomes.filter((x) => x.status !== 'claimed')) {
          expect(o).toEqual({ status: 'already', claim });
        }
        expect((await store.packets.getPacket(packet.id))?.remainingCount).toBe(9);
        if (claim) await store.wallets.applyCredit(creditOf(packet.id, 'solo', claim.amount));
        expect(await store.packets.claimedAmounts([packet.id, 'pk_unknown'], 'solo')).toEqual([
          claim?.amount,
          null,
        ]);
      });

      it('refuses unknown packets and grabs at or after expiry', async () => {
        expect(await store.packets.grab('pk_missing', { userId: 'u', name: 'U' }, T0)).toEqual({
          status: 'missing',
        });
        const packet = await fundPacket(store, { total: 100, count: 2 });
        expect(await store.packets.grab(packet.id, { userId: 'u', name: 'U' }, packet.expiresAt)).toEqual({
          status: 'expired',
        });
        expect(await store.escrow.abortFunded(packet.id)).toBe('exists');
        await store.packets.expirePacket(packet.id, packet.expiresAt);
        const refund = (await store.escrow.listStaleCredits(packet.expiresAt + 1, 10))[0];
        if (refund) await store.wallets.applyCredit(refund);
      });

      it('expiry refunds the remainder once, into the outbox, then to the sender', async () => {
        const packet = await fundPacket(store, { total: 1_000, count: 4 });
        const grab = await store.packets.grab(packet.id, { userId: 'early', name: 'Early' }, T0 + 10);
        if (grab.status !== 'claimed') throw new Error('expected a claim');
        await store.wallets.applyCredit(creditOf(packet.id, 'early', grab.claim.amount, T0 + 10));
        await store.escrow.ackCredits(packet.id, [grab.claim.claimId]);

        expect(await store.packets.listDueExpiries(packet.expiresAt - 1, 10)).toEqual([]);
        expect(await store.packets.expirePacket(packet.id, packet.expiresAt - 1)).toEqual({ status: 'noop' });
        expect(await store.packets.listDueExpiries(packet.expiresAt, 10)).toEqual([packet.id]);

        const expired = await store.packets.expirePacket(packet.id, packet.expiresAt);
        if (expired.status !== 'expired') throw new Error('expected expiry');
        const left = 1_000 - grab.claim.amount;
        expect(expired.refund).toMatchObject({
          userId: packet.senderId,
          amount: left,
          reason: 'refund',
          sourceId: packet.id,
        });
        expect(expired.packet).toMatchObject({ status: 'expired', remainingAmount: 0, remainingCount: 3 });
        expect(await store.packets.expirePacket(packet.id, packet.expiresAt + 1)).toEqual({ status: 'noop' });
        expect(await store.packets.listDueExpiries(packet.expiresAt + 1, 10)).toEqual([]);
        expect(
          await store.packets.grab(packet.id, { userId: 'late', name: 'Late' }, packet.expiresAt + 1),
        ).toEqual({
          status: 'expired',
        });

        // The refund is in flight until applied — once, however often it is re-driven.
        expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: left });
        expect(await store.escrow.listStaleCredits(packet.expiresAt + 1, 10)).toEqual([expired.refund]);
        const refund = expired.refund!;
        expect(await store.wallets.applyCredit(refund)).toEqual({ balance: left, applied: true });
        expect(await store.wallets.applyCredit(refund)).toEqual({ balance: left, applied: false });
        await store.escrow.ackCredits(packet.id, [refund.claimId]);
        expect(await store.escrow.listStaleCredits(packet.expiresAt + 1, 10)).toEqual([]);
        expect(await store.audit.report()).toMatchObject({
          minted: 1_000,
          wallets: 1_000,
          escrow: 0,
          inFlight: 0,
        });
      });

      it('a finished packet leaves the expiry schedule with nothing to refund', async () => {
        const packet = await fundPacket(store, { total: 10, count: 1 });
        const g = await store.packets.grab(packet.id, { userId: 'u', name: 'U' }, T0);
        if (g.status !== 'claimed') throw new Error('expected a claim');
        expect(g.packet.status).toBe('finished');
        await store.wallets.applyCredit(creditOf(packet.id, 'u', 10));
        expect(await store.packets.expirePacket(packet.id, packet.expiresAt)).toEqual({ status: 'noop' });
        expect(await store.packets.listDueExpiries(packet.expiresAt, 10)).toEqual([]);
      });

      it('locks a karaoke packet per user until a saved listen unlocks it', async () => {
        const unlock = { type: 'listen' as const, song: { id: 'song-1', title: 'Song', durationMs: 10_000 } };
        const packet = await fundPacket(store, { total: 100, count: 2, unlock });
        expect((await store.packets.getPacket(packet.id))?.unlock).toEqual(unlock);
        expect(await store.packets.grab(packet.id, { userId: 'fan', name: 'Fan' }, T0)).toEqual({
          status: 'locked',
        });
        expect(await store.packets.getListen(packet.id, 'fan')).toBeNull();
        const heard = {
          anchorPos: 0,
          anchorAt: T0,
          covered: [] as [number, number][],
          credited: 0,
          clockMs: 0,
          unlocked: false,
        };
        expect(await store.packets.saveListen(packet.id, 'fan', heard, 1)).toBe(false); // nothing stored yet
        expect(await store.packets.saveListen(packet.id, 'fan', heard, 0)).toBe(true);
        expect(await store.packets.saveListen(packet.id, 'fan', heard, 0)).toBe(false); // stale version
        expect(await store.packets.grab(packet.id, { userId: 'fan', name: 'Fan' }, T0)).toEqual({
          status: 'locked',
        });
        const done = {
          ...heard,
          covered: [[0, 9_500]] as [number, number][],
          credited: 9_500,
          unlocked: true,
        };
        expect(await store.packets.saveListen(packet.id, 'fan', done, 1)).toBe(true);
        expect(await store.packets.getListen(packet.id, 'fan')).toEqual({ ...done, version: 2 });
        const g = await store.packets.grab(packet.id, { userId: 'fan', name: 'Fan' }, T0);
        expect(g.status).toBe('claimed');
        // Someone else's listen unlocks nothing for you.
        expect(await store.packets.grab(packet.id, { userId: 'other', name: 'Other' }, T0)).toEqual({
          status: 'locked',
        });
        if (g.status === 'claimed')
          await store.wallets.applyCredit(creditOf(packet.id, 'fan', g.claim.amount));
      });

      it('lists outbox credits until they are acked', async () => {
        const packet = await fundPacket(store, { total: 100, count: 2 });
        const g = await store.packets.grab(packet.id, { userId: 'u', name: 'U' }, T0 + 5);
        if (g.status !== 'claimed') throw new Error('expected a claim');
        expect(await store.escrow.listStaleCredits(T0 + 5, 10)).toEqual([]); // not older than `before`
        const stale = await store.escrow.listStaleCredits(T0 + 6, 10);
        expect(stale).toEqual([creditOf(packet.id, 'u', g.claim.amount, T0 + 5)]);
        await store.wallets.applyCredit(stale[0]!);
        await store.escrow.ackCredits(packet.id, [g.claim.claimId, 'claim:unknown']);
        expect(await store.escrow.listStaleCredits(T0 + 6, 10)).toEqual([]);
      });
    });

    describeGrabCreditContract(() => store);
    describeRainContract(() => store);
    describeTimedContract(() => store);
    describeFenceContract(() => store);
    describeCodeContract(() => store);

    describeNodeRegistryContract(() => store);

    describe('rooms', () => {
      it('keeps the newest chat lines', async () => {
        for (let i = 0; i < 60; i++) {
          await store.rooms.appendChat(
            { id: `m${i}`, roomId: 'r', userId: 'u', name: 'U', text: `line ${i}`, at: T0 + i },
            50,
            86_400_000,
          );
        }
        const lines = await store.rooms.recentChat('r', 50);
        expect(lines).toHaveLength(50);
        expect(lines[0]?.text).toBe('line 10');
        expect(lines[49]?.text).toBe('line 59');
        expect(await store.rooms.recentChat('elsewhere', 50)).toEqual([]);
      });

      it('counts distinct users, not connections', async () => {
        expect(await store.rooms.addMember('r', 'alice', 'c1')).toBe(1);
        expect(await store.rooms.addMember('r', 'alice', 'c2')).toBe(1);
        expect(await store.rooms.addMember('r', 'alice', 'c2')).toBe(1);
        expect(await store.rooms.addMember('r', 'bob', 'c3')).toBe(2);
        expect(await store.rooms.removeMember('r', 'alice', 'c1')).toBe(2);
        expect(await store.rooms.removeMember('r', 'alice', 'c2')).toBe(1);
        expect(await store.rooms.removeMember('r', 'alice', 'c2')).toBe(1);
        expect(await store.rooms.memberCount('r')).toBe(1);
        expect(await store.rooms.removeMember('r', 'bob', 'c3')).toBe(0);
      });
    });
  });
}
