/**
 * The code part of the store contract (called from describeStoreContract): claim gates in
 * front of the one packet grab (code, exclusive, phrase), receive-code versions, the inbox of
 * exclusive packets and the phrase index. A code claim here is what CodeService does: verify
 * the code in memory, then the packet's ordinary `grab`.
 */
import { describe, expect, it } from 'vitest';
import { CodeSigner } from '../../server/domain/signed-codes.js';
import type { UserRef } from '@red-packet/sdk/protocol';
import { INBOX_CAP } from '../../server/store/codes/code-store.js';
import type { GrabOutcome, Store } from '../../server/store/store.js';
import { fundPacket } from './store-contract.js';

const T0 = 1_700_000_000_000;
const signer = new CodeSigner('contract-code-secret-0123456789', 30_000);

/** CodeService.claim without the services around it: verify (no store call), then grab. */
async function claimWithCode(store: Store, code: string, user: UserRef, at: number): Promise<GrabOutcome> {
  const parsed = signer.verify(code, at);
  if (parsed.kind === 'receive') throw new Error('not a packet code');
  return store.packets.grab(parsed.packetId, user, at);
}

const won = (outcomes: GrabOutcome[]) => outcomes.flatMap((o) => (o.status === 'claimed' ? [o.claim] : []));

export function describeCodeContract(getStore: () => Store): void {
  describe('claim gates', () => {
    it('1,000 code claimers of 100 shares: exactly 100 distinct winners, sum = total', async () => {
      const store = getStore();
      const packet = await fundPacket(store, { total: 10_000, count: 100, claim: { type: 'code' } });
      const { code } = signer.rotating(packet.id, T0);
      const outcomes = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          claimWithCode(store, code, { userId: `q${i}`, name: `Q${i}` }, T0 + 1),
        ),
      );
      const winners = won(outcomes);
      expect(winners).toHaveLength(100);
      expect(new Set(winners.map((c) => c.userId)).size).toBe(100);
      expect(winners.reduce((s, c) => s + c.amount, 0)).toBe(10_000);
      expect(outcomes.filter((o) => o.status === 'empty')).toHaveLength(900);
      expect((await store.packets.getPacket(packet.id))?.claim).toEqual({ type: 'code' });
      expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: 10_000 });
    });

    it('a code claim and a room grab by the same user pay once, whichever comes first', async () => {
      const store = getStore();
      const packet = await fundPacket(store, { total: 1_000, count: 10, claim: { type: 'code' } });
      const { code } = signer.rotating(packet.id, T0);
      const both = await Promise.all([
        claimWithCode(store, code, { userId: 'twice', name: 'Twice' }, T0 + 1),
        store.packets.grab(packet.id, { userId: 'twice', name: 'Twice' }, T0 + 1),
        claimWithCode(store, code, { userId: 'twice', name: 'Twice' }, T0 + 2),
      ]);
      const claimed = won(both);
      expect(claimed).toHaveLength(1);
      for (const o of both.filter((x) => x.status !== 'claimed')) {
        expect(o).toEqual({ status: 'already', claim: claimed[0] });
      }
      expect((await store.packets.getClaims(packet.id)).map((c) => c.userId)).toEqual(['twice']);
      expect((await store.packets.getPacket(packet.id))?.remainingCount).toBe(9);
    });

    it('an exclusive packet opens for its owner only', async () => {
      const store = getStore();
      const claim = { type: 'exclusive', ownerId: 'shop', ownerName: 'Shop', note: 'coffee' } as const;
      const packet = await fundPacket(store, { total: 500, count: 1, kind: 'equal', claim });
      expect(await store.packets.grab(packet.id, { userId: 'stranger', name: 'S' }, T0 + 1)).toEqual({
        status: 'forbidden',
      });
      // Listening cannot unlock it for anyone else, and a phrase does not either.
      const heard = { anchorPos: 0, anchorAt: T0, covered: [], credited: 0, clockMs: 0, unlocked: true };
      expect(await store.packets.saveListen(packet.id, 'stranger', heard, 0)).toBe(true);
      expect(
        await store.packets.grab(packet.id, { userId: 'stranger', name: 'S' }, T0 + 2, { phrase: 'x' }),
      ).toEqual({
        status: 'forbidden',
      });
      expect(await store.packets.getPacket(packet.id)).toMatchObject({
        remainingCount: 1,
        remainingAmount: 500,
        claim,
      });
      const opened = await store.packets.grab(packet.id, { userId: 'shop', name: 'Shop' }, T0 + 3);
      expect(opened).toMatchObject({ status: 'claimed', claim: { userId: 'shop', amount: 500 } });
      expect(await store.packets.grab(packet.id, { userId: 'shop', name: 'Shop' }, T0 + 4)).toMatchObject({
        status: 'already',
      });
    });

    it('an exclusive packet nobody opens is refunded to its payer at expiry', async () => {
      const store = getStore();
      const claim = { type: 'exclusive', ownerId: 'shop', ownerName: 'Shop', note: '' } as const;
      const packet = await fundPacket(store, {
        total: 300,
        count: 1,
        kind: 'equal',
        claim,
        senderId: 'payer',
      });
      expect(await store.wallets.getBalance('payer')).toBe(0);
      expect(await store.packets.grab(packet.id, { userId: 'other', name: 'O' }, T0 + 1)).toEqual({
        status: 'forbidden',
      });
      const expired = await store.packets.expirePacket(packet.id, packet.expiresAt);
      expect(expired).toMatchObject({ status: 'expired', refund: { userId: 'payer', amount: 300 } });
      if (expired.status === 'expired' && expired.refund) await store.wallets.applyCredit(expired.refund);
      expect(await store.wallets.getBalance('payer')).toBe(300);
      expect(
        await store.packets.grab(packet.id, { userId: 'shop', name: 'Shop' }, packet.expiresAt + 1),
      ).toEqual({
        status: 'expired',
      });
    });

    it('a password packet: LOCKED without its phrase; 200 concurrent phrase lines pay each user once', async () => {
      const store = getStore();
      const unlock = { type: 'phrase', phrase: '芝麻开门' } as const;
      const packet = await fundPacket(store, { total: 10_000, count: 100, unlock });
      expect(await store.packets.grab(packet.id, { userId: 'u0', name: 'U0' }, T0 + 1)).toEqual({
        status: 'locked',
      });
      expect(
        await store.packets.grab(packet.id, { userId: 'u0', name: 'U0' }, T0 + 1, { phrase: '芝麻' }),
      ).toEqual({
        status: 'locked',
      });
      // 50 users each say it 4 times at once.
      const lines = Array.from({ length: 200 }, (_, i) =>
        store.packets.grab(packet.id, { userId: `u${i % 50}`, name: `U${i % 50}` }, T0 + 2, {
          phrase: '芝麻开门',
        }),
      );
      const outcomes = await Promise.all(lines);
      const winners = won(outcomes);
      expect(winners).toHaveLength(50);
      expect(new Set(winners.map((c) => c.userId)).size).toBe(50);
      expect(outcomes.filter((o) => o.status === 'already')).toHaveLength(150);
      const stored = await store.packets.getPacket(packet.id);
      expect(stored).toMatchObject({ remainingCount: 50, unlock });
      expect(stored?.remainingAmount).toBe(10_000 - winners.reduce((s, c) => s + c.amount, 0));
    });
  });

  describe('receive codes, inboxes, phrase index', () => {
    it('concurrent first reads agree on version 1; each renewal revokes the last', async () => {
      const store = getStore();
      const me = { userId: 'merchant', name: 'Merchant' };
      expect(await store.codes.getReceiveCode('merchant')).toBeNull();
      const first = await Promise.all(
        Array.from({ length: 10 }, () => store.codes.currentReceiveCode(me, T0)),
      );
      for (const r of first) expect(r).toEqual({ ...me, version: 1, amount: null, note: '', issuedAt: T0 });
      const renewed = await store.codes.renewReceiveCode(me, { amount: 1_500, note: '咖啡 coffee' }, T0 + 5);
      expect(renewed).toEqual({ ...me, version: 2, amount: 1_500, note: '咖啡 coffee', issuedAt: T0 + 5 });
      expect(await store.codes.currentReceiveCode(me, T0 + 9)).toEqual(renewed);
      expect(await store.codes.getReceiveCode('merchant')).toEqual(renewed);
      const racing = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.codes.renewReceiveCode(me, { amount: null, note: '' }, T0 + 10),
        ),
      );
      expect(racing.map((r) => r.version).sort()).toEqual([3, 4, 5, 6, 7]);
    });

    it('keeps an inbox per owner, newest first, idempotently', async () => {
      const store = getStore();
      await store.codes.addReceived('o1', 'pk_a', T0);
      await store.codes.addReceived('o1', 'pk_b', T0 + 1);
      await store.codes.addReceived('o1', 'pk_a', T0 + 2);
      await store.codes.addReceived('o2', 'pk_c', T0);
      expect(await store.codes.listReceived('o1', 10)).toEqual(['pk_b', 'pk_a']);
      await store.codes.removeReceived('o1', ['pk_b', 'pk_unknown']);
      expect(await store.codes.listReceived('o1', 10)).toEqual(['pk_a']);
      expect(await store.codes.listReceived('o2', 10)).toEqual(['pk_c']);
      expect(await store.codes.listReceived('nobody', 10)).toEqual([]);
    });

    it('keeps the newest INBOX_CAP entries of an inbox', async () => {
      const store = getStore();
      for (let i = 0; i < INBOX_CAP + 5; i++) await store.codes.addReceived('busy', `pk_${i}`, T0 + i);
      const kept = await store.codes.listReceived('busy', INBOX_CAP + 10);
      expect(kept).toHaveLength(INBOX_CAP);
      expect(kept[0]).toBe(`pk_${INBOX_CAP + 4}`);
      expect(kept.at(-1)).toBe('pk_5');
    });

    it('finds a room’s live password packets by exact phrase', async () => {
      const store = getStore();
      await store.codes.indexPhrase(
        'r1',
        { packetId: 'pk_1', phrase: 'open sesame', expiresAt: T0 + 100 },
        T0,
      );
      await store.codes.indexPhrase(
        'r1',
        { packetId: 'pk_2', phrase: 'open sesame', expiresAt: T0 + 200 },
        T0,
      );
      await store.codes.indexPhrase('r1', { packetId: 'pk_3', phrase: '恭喜发财', expiresAt: T0 + 200 }, T0);
      await store.codes.indexPhrase(
        'r2',
        { packetId: 'pk_4', phrase: 'open sesame', expiresAt: T0 + 200 },
        T0,
      );
      expect(await store.codes.findPhrase('r1', 'open sesame', T0 + 1)).toEqual(['pk_1', 'pk_2']);
      expect(await store.codes.findPhrase('r1', '恭喜发财', T0 + 1)).toEqual(['pk_3']);
      expect(await store.codes.findPhrase('r1', 'open', T0 + 1)).toEqual([]);
      expect(await store.codes.findPhrase('r1', 'open sesame', T0 + 100)).toEqual(['pk_2']);
      expect(await store.codes.findPhrase('r3', 'open sesame', T0)).toEqual([]);
    });
  });
}
