/**
 * Payments on the memory store: funding holds, creates, then settles — or undoes the hold
 * when the create fails — and paying lands a credit once, whatever the retries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GameError } from '../../server/domain/errors.js';
import type { PacketRecord } from '../../server/store/store.js';
import { serviceFixture, type ServiceFixture } from './fixture.js';

let fx: ServiceFixture;
beforeEach(() => {
  fx = serviceFixture();
});
afterEach(async () => {
  await fx.close();
  await fx.expectBalanced();
});

/** An open equal packet of `count` × `amount` fen from `senderId`, as PacketService builds one. */
function packetRecord(id: string, senderId: string, amount: number, count: number): PacketRecord {
  const now = fx.clock.now();
  return {
    id,
    roomId: 'room',
    senderId,
    senderName: senderId,
    kind: 'equal',
    total: amount * count,
    count,
    greeting: '',
    createdAt: now,
    opensAt: null,
    expiresAt: now + 60_000,
    status: 'open',
    remainingCount: count,
    remainingAmount: amount * count,
    bestLuck: null,
    unlock: null,
  };
}

const heldHolds = () => fx.store.wallets.listStaleHolds(Number.MAX_SAFE_INTEGER, 100);

describe('Payments.fund', () => {
  it('holds the amount while the packet is created, then settles it into escrow', async () => {
    await fx.mint('payer', 1_000);
    const id = 'pk_fund-ok';
    let during: { balance: number; holds: string[]; inFlight: number } | undefined;
    const balance = await fx.payments.fund('payer', id, 300, async () => {
      during = {
        balance: await fx.balance('payer'),
        holds: (await heldHolds()).map((h) => h.holdId),
        inFlight: (await fx.store.audit.report()).inFlight,
      };
      return fx.store.packets.createPacket(packetRecord(id, 'payer', 100, 3), [100, 100, 100]);
    });
    // While creating: debited, held, counted in flight (no packet yet).
    expect(during).toEqual({ balance: 700, holds: [id], inFlight: 300 });
    // After: settled (no hold left held), the money sits in the packet's escrow.
    expect(balance).toBe(700);
    expect(await fx.balance('payer')).toBe(700);
    expect(await heldHolds()).toEqual([]);
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 700, escrow: 300, inFlight: 0 });
    expect(fx.broadcaster.toUserOf('payer', 'wallet:updated')).toEqual([{ balance: 700 }]);
  });

  it('refuses INSUFFICIENT_FUNDS without calling create or writing anything', async () => {
    await fx.mint('poor', 99);
    let created = false;
    const before = await fx.store.audit.report();
    await expect(
      fx.payments.fund('poor', 'pk_too-much', 100, () => {
        created = true;
        return Promise.resolve('created' as const);
      }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(created).toBe(false);
    expect(await fx.balance('poor')).toBe(99);
    expect(await fx.store.wallets.ledger('poor', 10)).toHaveLength(1); // the mint only
    expect(await fx.store.audit.report()).toEqual(before);
    expect(fx.broadcaster.sent).toEqual([]);
  });

  it('a create that throws releases the hold and tombstones the id, then rethrows', async () => {
    await fx.mint('payer', 500);
    const id = 'pk_create-fails';
    const boom = new Error('store went away');
    await expect(fx.payments.fund('payer', id, 200, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await fx.balance('payer')).toBe(500);
    expect(await heldHolds()).toEqual([]);
    const kinds = (await fx.store.wallets.ledger('payer', 10)).map((e) => [e.kind, e.amount]);
    expect(kinds).toEqual([
      ['release', 200],
      ['hold', -200],
      ['mint', 500],
    ]);
    // abortFunded ran first: a create of that id arriving late can never appear.
    expect(await fx.store.packets.createPacket(packetRecord(id, 'payer', 100, 2), [100, 100])).toBe(
      'aborted',
    );
    expect(await fx.store.packets.getPacket(id)).toBeNull();
    expect(fx.broadcaster.toUserOf('payer', 'wallet:updated')).toEqual([{ balance: 500 }]);
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 500, escrow: 0, inFlight: 0 });
  });

  it('a create that answers "aborted" is INTERNAL, and the hold is released', async () => {
    await fx.mint('payer', 500);
    const id = 'pk_aborted';
    await fx.store.escrow.abortFunded(id); // someone (the reconciler) gave up on it first
    const err = await fx.payments
      .fund('payer', id, 200, () =>
        fx.store.packets.createPacket(packetRecord(id, 'payer', 100, 2), [100, 100]),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GameError);
    expect(err).toMatchObject({ code: 'INTERNAL' });
    expect(await fx.balance('payer')).toBe(500);
    expect(await heldHolds()).toEqual([]);
  });

  it('a create that threw after the packet landed settles the hold instead of refunding it', async () => {
    await fx.mint('payer', 500);
    const id = 'pk_landed-then-threw';
    const lostReply = async (): Promise<never> => {
      await fx.store.packets.createPacket(packetRecord(id, 'payer', 100, 2), [100, 100]);
      throw new Error('reply lost');
    };
    await expect(fx.payments.fund('payer', id, 200, lostReply)).rejects.toThrow('reply lost');
    // The packet exists, so its money must stay in escrow: no release, no double money.
    expect(await fx.balance('payer')).toBe(300);
    expect(await heldHolds()).toEqual([]);
    expect(await fx.store.packets.getPacket(id)).toMatchObject({ status: 'open', remainingAmount: 200 });
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 300, escrow: 200, inFlight: 0 });
  });

  it('a retried fund of the same id debits once', async () => {
    await fx.mint('payer', 500);
    const id = 'pk_retried';
    const create = () => fx.store.packets.createPacket(packetRecord(id, 'payer', 50, 2), [50, 50]);
    expect(await fx.payments.fund('payer', id, 100, create)).toBe(400);
    expect(await fx.payments.fund('payer', id, 100, create)).toBe(400);
    expect(await fx.balance('payer')).toBe(400);
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 400, escrow: 100 });
  });
});

describe('Payments.pay', () => {
  it('credits an outbox claim once however often it is paid, and acks it on flush', async () => {
    await fx.mint('sender', 100);
    const id = 'pk_paid';
    await fx.payments.fund('sender', id, 100, () =>
      fx.store.packets.createPacket(packetRecord(id, 'sender', 50, 2), [50, 50]),
    );
    // A plain grab (the Redis Cluster path): the claim waits in the packet's outbox.
    const grabbed = await fx.store.packets.grab(id, { userId: 'taker', name: 'Taker' }, fx.clock.now());
    if (grabbed.status !== 'claimed') throw new Error(`expected a claim, got ${grabbed.status}`);
    const credit = {
      claimId: grabbed.claim.claimId,
      userId: 'taker',
      amount: grabbed.claim.amount,
      sourceId: id,
      reason: 'grab' as const,
      at: grabbed.claim.at,
    };
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 50, inFlight: 50, wallets: 0 });

    await fx.payments.pay(credit);
    await fx.payments.pay(credit); // a retry, or the reconciler re-driving it
    expect(await fx.balance('taker')).toBe(50);
    const ledger = await fx.store.wallets.ledger('taker', 10);
    expect(ledger.map((e) => [e.kind, e.ref, e.amount])).toEqual([['credit', credit.claimId, 50]]);
    expect(fx.broadcaster.toUserOf('taker', 'wallet:updated')).toEqual([{ balance: 50 }, { balance: 50 }]);
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 50, escrow: 50, inFlight: 0 });

    // The ack is batched: the credit leaves the outbox when the acker flushes.
    expect(await fx.store.escrow.listStaleCredits(Number.MAX_SAFE_INTEGER, 10)).toHaveLength(1);
    await fx.acker.flush();
    expect(await fx.store.escrow.listStaleCredits(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('credited() notifies every connection, or all but the one whose ack carries the balance', () => {
    fx.payments.credited('u', 42);
    fx.payments.credited('u', 43, 'conn-1');
    expect(fx.broadcaster.sent).toEqual([
      { to: { user: 'u' }, event: 'wallet:updated', payload: { balance: 42 } },
      { to: { user: 'u', except: 'conn-1' }, event: 'wallet:updated', payload: { balance: 43 } },
    ]);
  });
});
