/**
 * PacketService on the memory store with the clock in the test's hand: sending (limits,
 * funds, gates), grabbing once per (packet, user), finishing, expiring through the sweeper,
 * timed packets and their cancel — and what it told the room.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packetSpecSchema, type PacketSpec } from '@red-packet/sdk/schemas';
import type { UserRef } from '@red-packet/sdk/protocol';
import { GameError } from '../../server/domain/errors.js';
import { refusal, serviceFixture, type FixtureOptions, type ServiceFixture } from './fixture.js';

const TTL = 60_000;
const ENV = { PACKET_TTL_MS: String(TTL), PACKET_MAX_OPEN_DELAY_MS: '3600000' };

let fx: ServiceFixture;
const setup = (options: FixtureOptions = {}): ServiceFixture =>
  (fx = serviceFixture({ ...options, env: { ...ENV, ...options.env } }));
beforeEach(() => {
  setup();
});
afterEach(async () => {
  await fx.close();
  await fx.expectBalanced();
});

/** A spec as the edge hands it over (parsed by the same schema). */
const spec = (body: Record<string, unknown>): PacketSpec => packetSpecSchema.parse(body);
const lucky = (total: number, count: number, more: Record<string, unknown> = {}) =>
  spec({ kind: 'lucky', total, count, ...more });
const equal = (amount: number, count: number, more: Record<string, unknown> = {}) =>
  spec({ kind: 'equal', amount, count, ...more });

const ref = (userId: string): UserRef => ({ userId, name: `${userId}-name` });

describe('PacketService.send', () => {
  it('funds a lucky packet from the sender, keeps it in escrow and announces it to the room', async () => {
    await fx.mint('host', 1_000);
    const now = fx.clock.now();
    const view = await fx.packets.send(
      fx.user('host', 'host'),
      'party',
      lucky(300, 3, { greeting: '恭喜发财' }),
    );
    expect(view).toMatchObject({
      roomId: 'party',
      senderId: 'host',
      senderName: 'host-name',
      kind: 'lucky',
      total: 300,
      count: 3,
      greeting: '恭喜发财',
      createdAt: now,
      opensAt: null,
      expiresAt: now + TTL,
      status: 'open',
      remainingCount: 3,
    });
    expect(view.id).toMatch(/^pk_/);
    expect(await fx.balance('host')).toBe(700);
    expect(fx.broadcaster.sent).toEqual([
      { to: { user: 'host' }, event: 'wallet:updated', payload: { balance: 700 } },
      { to: { room: 'party' }, event: 'packet:created', payload: view },
    ]);
    expect(await fx.store.packets.listOpenPackets('party', 10)).toMatchObject([{ id: view.id }]);
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 700, escrow: 300, inFlight: 0 });
  });

  it('an equal packet holds amount × count and pays each grabber the amount', async () => {
    await fx.mint('host', 1_000);
    const view = await fx.packets.send(fx.user('host'), 'eq', equal(150, 3));
    expect(view).toMatchObject({ kind: 'equal', total: 450, count: 3 });
    expect(await fx.balance('host')).toBe(550);
    expect(await fx.packets.grab(ref('x'), view.id)).toEqual({ amount: 150, remaining: 2 });
    expect(await fx.packets.grab(ref('y'), view.id)).toEqual({ amount: 150, remaining: 1 });
    expect(await fx.balance('x')).toBe(150);
  });

  it('broken limits are LIMIT_EXCEEDED and leave no trace', async () => {
    await fx.mint('host', 100_000);
    const before = await fx.store.audit.report();
    const { packetMaxTotal, packetMaxCount } = fx.config.limits;
    const tooMuch = await refusal(fx.packets.send(fx.user('host'), 'r', lucky(packetMaxTotal + 1, 1)));
    const tooMany = await refusal(fx.packets.send(fx.user('host'), 'r', equal(1, packetMaxCount + 1)));
    const tooLate = await refusal(
      fx.packets.send(fx.user('host'), 'r', equal(1, 1, { opensInMs: 3_600_001 })),
    );
    expect([tooMuch.code, tooMany.code, tooLate.code]).toEqual([
      'LIMIT_EXCEEDED',
      'LIMIT_EXCEEDED',
      'LIMIT_EXCEEDED',
    ]);
    // At the limits exactly it is accepted.
    await fx.packets.send(fx.user('host'), 'r', lucky(packetMaxTotal, packetMaxCount));
    expect(await fx.store.wallets.ledger('host', 10)).toHaveLength(2); // mint, one hold
    expect((await fx.store.audit.report()).escrow).toBe(before.escrow + packetMaxTotal);
  });

  it('INSUFFICIENT_FUNDS changes nothing, and the risk gate is undone', async () => {
    const gate: string[] = [];
    setup({
      admitSend: (sender, sendId, kind, amount) => {
        gate.push(`admit ${sender.userId} ${kind} ${amount}`);
        return Promise.resolve(() => {
          gate.push(`undo ${sendId}`);
          return Promise.resolve();
        });
      },
    });
    await fx.mint('poor', 100);
    const before = await fx.store.audit.report();
    const err = await refusal(fx.packets.send(fx.user('poor'), 'broke', lucky(101, 1)));
    expect(err.code).toBe('INSUFFICIENT_FUNDS');
    expect(gate).toEqual([`admit poor packet 101`, expect.stringMatching(/^undo pk_/)]);
    expect(await fx.balance('poor')).toBe(100);
    expect(await fx.store.wallets.ledger('poor', 10)).toHaveLength(1);
    expect(await fx.store.packets.listOpenPackets('broke', 10)).toEqual([]);
    expect(await fx.store.audit.report()).toEqual(before);
    expect(fx.broadcaster.sent).toEqual([]);
  });

  it('a screened-out greeting is refused before the risk gate or any money', async () => {
    let admitted = 0;
    setup({
      admitSend: () => {
        admitted += 1;
        return Promise.resolve(() => Promise.resolve());
      },
      screenText: (_user, where, text) =>
        where === 'greeting' && text?.includes('casino')
          ? Promise.reject(new GameError('CONTENT_BLOCKED', 'blocked'))
          : Promise.resolve(),
    });
    await fx.mint('host', 1_000);
    const err = await refusal(
      fx.packets.send(fx.user('host'), 'r', lucky(100, 2, { greeting: 'casino night' })),
    );
    expect(err.code).toBe('CONTENT_BLOCKED');
    expect(admitted).toBe(0);
    expect(await fx.balance('host')).toBe(1_000);
    await fx.packets.send(fx.user('host'), 'r', lucky(100, 2, { greeting: 'happy new year' }));
    expect(admitted).toBe(1);
  });
});

describe('PacketService.grab', () => {
  it('pays once per (packet, user): a retry is ALREADY_GRABBED and pays nothing', async () => {
    await fx.mint('host', 1_000);
    const { id } = await fx.packets.send(fx.user('host'), 'r', lucky(500, 3));
    const first = await fx.packets.grab(ref('alice'), id);
    expect(first.remaining).toBe(2);
    expect(first.amount).toBeGreaterThan(0);
    expect(first).not.toHaveProperty('balance'); // no connection named: no balance in the answer
    const retry = await refusal(fx.packets.grab(ref('alice'), id));
    expect(retry.code).toBe('ALREADY_GRABBED');
    expect(retry.message).toContain(`${first.amount} fen`);
    expect(await fx.balance('alice')).toBe(first.amount);
    expect(await fx.store.packets.getClaims(id)).toHaveLength(1);
    expect(fx.broadcaster.toUserOf('alice', 'wallet:updated')).toEqual([{ balance: first.amount }]);
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 500 - first.amount, inFlight: 0 });
  });

  it("a grab from a connection answers the balance and tells only the user's other connections", async () => {
    await fx.mint('host', 1_000);
    const { id } = await fx.packets.send(fx.user('host'), 'r', equal(40, 2));
    await fx.mint('phone-owner', 10);
    fx.broadcaster.clear();
    expect(await fx.packets.grab(ref('phone-owner'), id, undefined, { conn: 'conn-phone' })).toEqual({
      amount: 40,
      remaining: 1,
      balance: 50,
    });
    expect(fx.broadcaster.sent).toEqual([
      {
        to: { user: 'phone-owner', except: 'conn-phone' },
        event: 'wallet:updated',
        payload: { balance: 50 },
      },
    ]);
  });

  it('coalesces grabs into one packet:grabbed per room per flush', async () => {
    await fx.mint('host', 1_000);
    const { id } = await fx.packets.send(fx.user('host'), 'crowd', equal(10, 5));
    const { id: other } = await fx.packets.send(fx.user('host'), 'crowd', equal(10, 5));
    fx.broadcaster.clear();
    const a = await fx.packets.grab(ref('a'), id);
    const b = await fx.packets.grab(ref('b'), id);
    await fx.packets.grab(ref('c'), other);
    expect(fx.broadcaster.toRoomOf('crowd', 'packet:grabbed')).toEqual([]); // not before the flush
    fx.grabs.flush();
    const at = fx.clock.now();
    expect(fx.broadcaster.toRoomOf('crowd', 'packet:grabbed')).toEqual([
      {
        roomId: 'crowd',
        packets: [
          {
            packetId: id,
            grabs: [
              { userId: 'a', name: 'a-name', amount: a.amount, at },
              { userId: 'b', name: 'b-name', amount: b.amount, at },
            ],
            remainingCount: 3,
          },
          { packetId: other, grabs: [{ userId: 'c', name: 'c-name', amount: 10, at }], remainingCount: 4 },
        ],
      },
    ]);
    fx.grabs.flush();
    expect(fx.broadcaster.toRoomOf('crowd', 'packet:grabbed')).toHaveLength(1); // nothing new to send
  });

  it('the last share finishes the packet: its grabs go out first, then packet:finished with best luck', async () => {
    await fx.mint('host', 1_000);
    const { id } = await fx.packets.send(fx.user('host'), 'r', lucky(300, 2));
    fx.broadcaster.clear();
    const first = await fx.packets.grab(ref('a'), id);
    const second = await fx.packets.grab(ref('b'), id);
    expect(second.remaining).toBe(0);
    expect(first.amount + second.amount).toBe(300);
    expect(fx.broadcaster.names('r')).toEqual(['packet:grabbed', 'packet:finished']);
    expect(fx.broadcaster.toRoomOf('r', 'packet:grabbed')[0]!.packets[0]).toMatchObject({
      packetId: id,
      grabs: [{ userId: 'a' }, { userId: 'b' }],
      remainingCount: 0,
    });
    // The largest share; the earlier grab wins a tie.
    const [bestUser, bestAmount] = first.amount >= second.amount ? ['a', first.amount] : ['b', second.amount];
    const best = { userId: bestUser, name: `${bestUser}-name`, amount: bestAmount, at: fx.clock.now() };
    expect(fx.broadcaster.toRoomOf('r', 'packet:finished')).toEqual([
      { packetId: id, roomId: 'r', reason: 'empty', refunded: 0, bestLuck: best },
    ]);
    expect(fx.closed).toEqual([[id, 'PACKET_EMPTY']]);
    expect(await fx.store.packets.getPacket(id)).toMatchObject({ status: 'finished', remainingAmount: 0 });
    expect((await refusal(fx.packets.grab(ref('late'), id))).code).toBe('PACKET_EMPTY');
    expect((await refusal(fx.packets.grab(ref('a'), id))).code).toBe('PACKET_EMPTY');
    expect(fx.closed).toHaveLength(1); // told the other nodes once
    expect(await fx.packets.details(id)).toMatchObject({
      packet: { id, status: 'finished', remainingCount: 0 },
      claims: [{ userId: 'a' }, { userId: 'b' }],
      bestLuck: best,
    });
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 0, wallets: 1_000 });
  });

  it('an equal packet has no best luck when it finishes', async () => {
    await fx.mint('host', 100);
    const { id } = await fx.packets.send(fx.user('host'), 'r', equal(50, 1));
    await fx.packets.grab(ref('a'), id);
    expect(fx.broadcaster.toRoomOf('r', 'packet:finished')).toMatchObject([
      { reason: 'empty', bestLuck: null },
    ]);
  });

  it('refuses an unknown packet NOT_FOUND, and one another node closed without asking the store', async () => {
    expect((await refusal(fx.packets.grab(ref('a'), 'pk_nope'))).code).toBe('NOT_FOUND');
    expect((await refusal(fx.packets.details('pk_nope'))).code).toBe('NOT_FOUND');
    await fx.mint('host', 100);
    const { id } = await fx.packets.send(fx.user('host'), 'r', equal(50, 2));
    fx.packets.learnClosed(id, 'PACKET_EXPIRED');
    expect((await refusal(fx.packets.grab(ref('a'), id))).code).toBe('PACKET_EXPIRED');
    expect(await fx.store.packets.getPacket(id)).toMatchObject({ status: 'open', remainingCount: 2 });
  });
});

describe('PacketService expiry (the sweeper path)', () => {
  it('refunds the remainder to the sender once, when the clock reaches expiresAt', async () => {
    await fx.mint('sender', 1_000);
    const { id, expiresAt } = await fx.packets.send(fx.user('sender'), 'slow', lucky(1_000, 5));
    const { amount } = await fx.packets.grab(ref('taker'), id);
    fx.broadcaster.clear();

    fx.clock.set(expiresAt - 1);
    expect(await fx.sweeper.sweep()).toBe(0);
    expect(fx.broadcaster.sent).toEqual([]);
    fx.clock.advance(1);
    expect(await fx.sweeper.sweep()).toBe(1);
    expect(await fx.balance('sender')).toBe(1_000 - amount);
    expect(fx.broadcaster.toUserOf('sender', 'wallet:updated')).toEqual([{ balance: 1_000 - amount }]);
    expect(fx.broadcaster.toRoomOf('slow', 'packet:finished')).toEqual([
      {
        packetId: id,
        roomId: 'slow',
        reason: 'expired',
        refunded: 1_000 - amount,
        bestLuck: { userId: 'taker', name: 'taker-name', amount, at: expiresAt - TTL },
      },
    ]);
    expect(fx.closed).toEqual([[id, 'PACKET_EXPIRED']]);
    expect(await fx.metrics.expired.get()).toMatchObject({ values: [{ value: 1 }] });

    // Once: another pass, or another node's expire, refunds nothing more.
    expect(await fx.sweeper.sweep()).toBe(0);
    expect(await fx.packets.expire(id)).toBe(false);
    expect(await fx.balance('sender')).toBe(1_000 - amount);
    expect((await refusal(fx.packets.grab(ref('late'), id))).code).toBe('PACKET_EXPIRED');
    expect(await fx.store.packets.listOpenPackets('slow', 10)).toEqual([]);
    await fx.acker.flush();
    expect(await fx.store.escrow.listStaleCredits(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 0, inFlight: 0, wallets: 1_000 });
  });

  it('a grab at expiresAt is refused PACKET_EXPIRED even before the sweeper ran', async () => {
    await fx.mint('sender', 100);
    const { id, expiresAt } = await fx.packets.send(fx.user('sender'), 'r', equal(10, 10));
    fx.clock.set(expiresAt);
    expect((await refusal(fx.packets.grab(ref('a'), id))).code).toBe('PACKET_EXPIRED');
    expect(fx.closed).toEqual([[id, 'PACKET_EXPIRED']]);
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 100 }); // the sweeper refunds it
    expect(await fx.sweeper.sweep()).toBe(1);
    expect(await fx.balance('sender')).toBe(100);
    expect(fx.closed).toHaveLength(1); // the sweeper's expiry is not announced to the nodes again
  });

  it('a finished packet is never refunded', async () => {
    await fx.mint('sender', 100);
    const { id, expiresAt } = await fx.packets.send(fx.user('sender'), 'r', equal(100, 1));
    await fx.packets.grab(ref('a'), id);
    fx.clock.set(expiresAt + 1);
    expect(await fx.sweeper.sweep()).toBe(0);
    expect(await fx.packets.expire(id)).toBe(false);
    expect(await fx.balance('sender')).toBe(0);
  });
});

describe('PacketService timed packets', () => {
  it('is funded and announced at once, NOT_OPEN_YET before its opening, grabbable from it', async () => {
    await fx.mint('timer', 1_000);
    const now = fx.clock.now();
    const view = await fx.packets.send(fx.user('timer'), 'countdown', equal(100, 2, { opensInMs: 30_000 }));
    expect(view).toMatchObject({ opensAt: now + 30_000, expiresAt: now + 30_000 + TTL, status: 'open' });
    expect(fx.broadcaster.toRoomOf('countdown', 'packet:created')).toEqual([view]);
    expect(await fx.balance('timer')).toBe(800);

    fx.clock.advance(10_000);
    const early = await refusal(fx.packets.grab(ref('guest'), view.id));
    expect(early.code).toBe('NOT_OPEN_YET');
    expect(early.details).toEqual({ opensAt: now + 30_000, opensInMs: 20_000 });
    fx.clock.advance(19_999);
    expect((await refusal(fx.packets.grab(ref('guest'), view.id))).code).toBe('NOT_OPEN_YET');
    fx.clock.advance(1);
    expect(await fx.packets.grab(ref('guest'), view.id)).toEqual({ amount: 100, remaining: 1 });
    // Its lifetime counts from the opening.
    fx.clock.set(view.expiresAt - 1);
    expect(await fx.sweeper.sweep()).toBe(0);
    fx.clock.advance(1);
    expect(await fx.sweeper.sweep()).toBe(1);
    expect(await fx.balance('timer')).toBe(900);
  });

  it('its sender cancels it before the opening for a full refund; nobody else, and not twice', async () => {
    await fx.mint('timer', 1_000);
    const view = await fx.packets.send(fx.user('timer'), 'countdown', lucky(500, 3, { opensInMs: 5_000 }));
    fx.broadcaster.clear();
    expect((await refusal(fx.packets.cancel(ref('guest'), view.id))).code).toBe('FORBIDDEN');
    expect(await fx.packets.cancel(ref('timer'), view.id)).toEqual({ refunded: 500 });
    expect(await fx.balance('timer')).toBe(1_000);
    expect(fx.broadcaster.toRoomOf('countdown', 'packet:finished')).toEqual([
      { packetId: view.id, roomId: 'countdown', reason: 'cancelled', refunded: 500, bestLuck: null },
    ]);
    expect(fx.broadcaster.toUserOf('timer', 'wallet:updated')).toEqual([{ balance: 1_000 }]);
    expect((await refusal(fx.packets.cancel(ref('timer'), view.id))).code).toBe('FORBIDDEN');
    fx.clock.advance(5_000);
    expect((await refusal(fx.packets.grab(ref('guest'), view.id))).code).toBe('PACKET_EXPIRED');
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 0, wallets: 1_000 });
  });

  it('cannot be cancelled once open, nor can a packet that was never timed', async () => {
    await fx.mint('timer', 1_000);
    const timed = await fx.packets.send(fx.user('timer'), 'r', equal(10, 1, { opensInMs: 1_000 }));
    const plain = await fx.packets.send(fx.user('timer'), 'r', equal(10, 1));
    expect((await refusal(fx.packets.cancel(ref('timer'), plain.id))).code).toBe('FORBIDDEN');
    fx.clock.advance(1_000);
    expect((await refusal(fx.packets.cancel(ref('timer'), timed.id))).code).toBe('FORBIDDEN');
    expect((await refusal(fx.packets.cancel(ref('timer'), 'pk_nope'))).code).toBe('NOT_FOUND');
    expect(await fx.packets.grab(ref('guest'), timed.id)).toMatchObject({ amount: 10 });
    expect(await fx.balance('timer')).toBe(980);
  });
});
