/**
 * Timed packets (定时红包) in the store contract: the opening is enforced by the grab step
 * itself, by the `at` each grab carries, so every node agrees; cancelling before the opening
 * refunds everything, atomically with the grabs.
 */
import { describe, expect, it } from 'vitest';
import { packetRefundId } from '../../server/domain/ids.js';
import type { Credit, GrabOutcome, Store } from '../../server/store/store.js';
import { fundPacket } from './store-contract.js';

const T0 = 1_700_000_000_000;
const OPENS = T0 + 10_000;

/** Applies and acks outbox credits, as Payments does (all of one packet here). */
async function pay(store: Store, credits: Credit[]): Promise<void> {
  for (const c of credits) await store.wallets.applyCredit(c);
  const sourceId = credits[0]?.sourceId;
  if (sourceId)
    await store.escrow.ackCredits(
      sourceId,
      credits.map((c) => c.claimId),
    );
}

export function describeTimedContract(getStore: () => Store): void {
  describe('timed packets', () => {
    it('500 grabs racing the opening: none before it, exactly count after, sum exact', async () => {
      const store = getStore();
      const packet = await fundPacket(store, {
        total: 10_000,
        count: 100,
        opensAt: OPENS,
        expiresAt: OPENS + 60_000,
      });
      // Users 0..249 grab in the 250 ms before the opening, 250..499 at or after it; the
      // calls are interleaved so the store sees both sides of the opening at once.
      const order = Array.from({ length: 500 }, (_, i) => i).sort((a, b) => (a % 7) - (b % 7) || a - b);
      const results = await Promise.all(
        order.map(async (i) => ({
          i,
          outcome: await store.packets.grab(packet.id, { userId: `u${i}`, name: `U${i}` }, OPENS - 250 + i),
        })),
      );
      const early = results.filter((r) => r.i < 250);
      const late = results.filter((r) => r.i >= 250);
      expect(early.map((r) => r.outcome)).toEqual(early.map(() => ({ status: 'not-open', opensAt: OPENS })));
      const claimed = late
        .map((r) => r.outcome)
        .filter((o): o is Extract<GrabOutcome, { status: 'claimed' }> => o.status === 'claimed');
      expect(claimed).toHaveLength(100);
      expect(late.filter((r) => r.outcome.status === 'empty')).toHaveLength(150);
      expect(claimed.reduce((sum, o) => sum + o.claim.amount, 0)).toBe(10_000);
      expect(new Set(claimed.map((o) => o.claim.userId)).size).toBe(100);
      expect((await store.packets.getPacket(packet.id))?.status).toBe('finished');
      await pay(
        store,
        claimed.map((o) => ({
          claimId: o.claim.claimId,
          userId: o.claim.userId,
          amount: o.claim.amount,
          sourceId: packet.id,
          reason: 'grab',
          at: o.claim.at,
        })),
      );
      expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: 0 });
    });

    it('keeps its opening time, and expires a lifetime after the opening', async () => {
      const store = getStore();
      const packet = await fundPacket(store, {
        count: 2,
        total: 200,
        opensAt: OPENS,
        expiresAt: OPENS + 60_000,
      });
      expect(await store.packets.getPacket(packet.id)).toMatchObject({ opensAt: OPENS, status: 'open' });
      expect(await store.packets.listDueExpiries(OPENS + 59_999, 10)).not.toContain(packet.id);
      expect(await store.packets.expirePacket(packet.id, OPENS + 59_999)).toEqual({ status: 'noop' });
      const user = { userId: 'u1', name: 'U1' };
      expect((await store.packets.grab(packet.id, user, OPENS)).status).toBe('claimed');
      const expired = await store.packets.expirePacket(packet.id, OPENS + 60_000);
      expect(expired.status).toBe('expired');
      if (expired.status !== 'expired' || !expired.refund) throw new Error('expected a refund');
      const claims = await store.packets.getClaims(packet.id);
      await pay(store, [
        {
          claimId: claims[0]!.claimId,
          userId: 'u1',
          amount: claims[0]!.amount,
          sourceId: packet.id,
          reason: 'grab',
          at: OPENS,
        },
        expired.refund,
      ]);
      expect(await store.wallets.getBalance('u1')).toBe(200 - expired.refund.amount);
    });

    it('its sender cancels it before the opening for a full refund, once', async () => {
      const store = getStore();
      const packet = await fundPacket(store, {
        count: 5,
        total: 500,
        opensAt: OPENS,
        expiresAt: OPENS + 60_000,
      });
      expect(await store.packets.cancelPacket(packet.id, 'someone-else', OPENS - 1)).toEqual({
        status: 'not-sender',
      });
      const outcome = await store.packets.cancelPacket(packet.id, packet.senderId, OPENS - 1);
      expect(outcome).toMatchObject({
        status: 'cancelled',
        packet: { status: 'cancelled', remainingAmount: 0 },
        refund: {
          claimId: packetRefundId(packet.id),
          userId: packet.senderId,
          amount: 500,
          reason: 'refund',
        },
      });
      expect(await store.packets.cancelPacket(packet.id, packet.senderId, OPENS - 1)).toEqual({
        status: 'closed',
      });
      // Nothing can be grabbed from it, before or after the opening, and it never expires again.
      const user = { userId: 'u1', name: 'U1' };
      expect(await store.packets.grab(packet.id, user, OPENS - 1)).toEqual({ status: 'expired' });
      expect(await store.packets.grab(packet.id, user, OPENS + 1)).toEqual({ status: 'expired' });
      expect(await store.packets.expirePacket(packet.id, OPENS + 60_000)).toEqual({ status: 'noop' });
      expect(await store.packets.listDueExpiries(OPENS + 60_000, 10)).not.toContain(packet.id);
      expect(await store.packets.listOpenPackets(packet.roomId, 10)).toEqual([]);
      // Until the refund lands it is in flight; then the sender has it all back.
      expect(await store.audit.report()).toMatchObject({ balanced: true, inFlight: 500 });
      if (outcome.status !== 'cancelled') throw new Error('expected cancelled');
      await pay(store, [outcome.refund]);
      expect(await store.wallets.getBalance(packet.senderId)).toBe(500);
      expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: 0 });
    });

    it('cannot be cancelled once open, nor a packet that was never timed', async () => {
      const store = getStore();
      const timed = await fundPacket(store, {
        count: 1,
        total: 100,
        opensAt: OPENS,
        expiresAt: OPENS + 60_000,
      });
      expect(await store.packets.cancelPacket(timed.id, timed.senderId, OPENS)).toEqual({ status: 'opened' });
      const plain = await fundPacket(store, { count: 1, total: 100 });
      expect(await store.packets.cancelPacket(plain.id, plain.senderId, T0)).toEqual({ status: 'opened' });
      expect(await store.packets.cancelPacket('pk_nothing', 'sender', T0)).toEqual({ status: 'missing' });
      for (const id of [timed.id, plain.id]) expect((await store.packets.getPacket(id))?.status).toBe('open');
    });
  });
}
