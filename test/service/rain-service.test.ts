/**
 * RainService and its RainRunner on the memory store, the runner ticked by hand on a clock the
 * test moves: funding into escrow, the checks before it, drops released on their timeline and
 * grabbed once per (drop, user), race and lottery drops, the end and its refund, cancelling.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rainSpecSchema, type RainSpec } from '@red-packet/sdk/schemas';
import type { UserRef } from '@red-packet/sdk/protocol';
import { GameError } from '../../server/domain/errors.js';
import { refusal, serviceFixture, type ServiceFixture } from './fixture.js';

let fx: ServiceFixture;
beforeEach(() => {
  fx = serviceFixture();
});
afterEach(async () => {
  await fx.close();
  await fx.expectBalanced();
});

/** A spec as the edge hands it over (parsed by the same schema, defaults applied). */
const spec = (body: Record<string, unknown>): RainSpec => rainSpecSchema.parse(body);
const ref = (userId: string): UserRef => ({ userId, name: `${userId}-name` });

/** When each drop of the rain falls, by server time, and its id. */
async function dropTimes(rainId: string): Promise<{ dropId: string; at: number }[]> {
  const rain = (await fx.store.rains.getRain(rainId))!;
  return fx.rains.timeline(rain).map((p) => ({ dropId: p.dropId, at: rain.startAt + p.offsetMs }));
}

/** Moves the clock to `at` and runs one runner tick there. */
async function tickAt(at: number): Promise<void> {
  fx.clock.set(at);
  await fx.runner.tick();
}

describe('RainService.schedule', () => {
  it('debits the host into escrow and announces the rain, without its seed', async () => {
    await fx.mint('host', 10_000);
    const now = fx.clock.now();
    const view = await fx.rains.schedule(
      fx.user('host', 'host'),
      'plaza',
      spec({ total: 3_000, drops: 10, sharesPerDrop: 3, startInMs: 5_000, durationMs: 10_000, mode: 'race' }),
    );
    expect(view).toMatchObject({
      roomId: 'plaza',
      hostId: 'host',
      total: 3_000,
      drops: 10,
      sharesPerDrop: 3,
      startAt: now + 5_000,
      status: 'scheduled',
      released: 0,
      paid: 0,
      mode: 'race',
      maxGrabsPerUser: 10, // nobody in the room: the default cap is every drop
    });
    expect(view.id).toMatch(/^rn_/);
    expect(view).not.toHaveProperty('seed');
    const stored = (await fx.store.rains.getRain(view.id))!;
    expect(view.seedHash).toBe(createHash('sha256').update(stored.seed).digest('hex'));
    expect(await fx.balance('host')).toBe(7_000);
    expect(fx.broadcaster.sent).toEqual([
      { to: { user: 'host' }, event: 'wallet:updated', payload: { balance: 7_000 } },
      { to: { room: 'plaza' }, event: 'rain:scheduled', payload: { rain: view, serverTime: now } },
    ]);
    expect(await fx.expectBalanced()).toMatchObject({ wallets: 7_000, escrow: 3_000, inFlight: 0 });
  });

  it('without maxGrabsPerUser, caps each user at three fair shares of the members present', async () => {
    await fx.mint('host', 100_000);
    for (let i = 0; i < 10; i++) await fx.store.rooms.addMember('crowd', `m${i}`, `c${i}`);
    await fx.store.rooms.addMember('crowd', 'm0', 'c0-again'); // a member, not a connection
    const body = { total: 2_000, drops: 20, durationMs: 10_000, startInMs: 60_000 };
    const host = fx.user('host', 'host');
    // 20 shares among 10 members: a fair share is 2, the cap 3 × 2.
    expect(await fx.rains.schedule(host, 'crowd', spec(body))).toMatchObject({ maxGrabsPerUser: 6 });
    expect(
      await fx.rains.schedule(host, 'crowd', spec({ ...body, sharesPerDrop: 2, total: 4_000 })),
    ).toMatchObject({ maxGrabsPerUser: 12 });
    // Rounded up, never below one; never above the drops (one share per drop is the most).
    for (let i = 10; i < 100; i++) await fx.store.rooms.addMember('crowd', `m${i}`, `c${i}`);
    expect(await fx.rains.schedule(host, 'crowd', spec(body))).toMatchObject({ maxGrabsPerUser: 1 });
    expect(await fx.rains.schedule(host, 'empty', spec(body))).toMatchObject({ maxGrabsPerUser: 20 });
    // The host's own cap stands.
    expect(await fx.rains.schedule(host, 'crowd', spec({ ...body, maxGrabsPerUser: 15 }))).toMatchObject({
      maxGrabsPerUser: 15,
    });
  });

  it('refuses plain users, broken limits, a start in the past and missing funds, changing nothing', async () => {
    await fx.mint('host', 1_000_000);
    await fx.mint('user', 1_000_000);
    const { limits } = fx.config;
    const base = { total: 1_000, drops: 10, durationMs: 5_000, startInMs: 1_000 };
    const host = fx.user('host', 'host');
    const before = await fx.store.audit.report();
    const refused = async (who: typeof host, body: Record<string, unknown>) =>
      (await refusal(fx.rains.schedule(who, 'hall', spec({ ...base, ...body })))).code;

    expect(await refused(fx.user('user'), {})).toBe('FORBIDDEN');
    expect(await refused(host, { total: limits.rainMaxTotalHost + 1 })).toBe('LIMIT_EXCEEDED'); // the host's cap, …
    expect(await refused(host, { drops: limits.rainMaxDrops + 1, total: 100_000 })).toBe('LIMIT_EXCEEDED');
    expect(
      await refused(host, {
        drops: 1_000,
        sharesPerDrop: Math.floor(limits.rainMaxShares / 1_000) + 1,
        total: 100_000,
      }),
    ).toBe('LIMIT_EXCEEDED');
    expect(await refused(host, { durationMs: limits.rainMaxDurationMs + 1 })).toBe('LIMIT_EXCEEDED');
    expect(await refused(host, { startInMs: undefined, startAt: fx.clock.now() - 5_001 })).toBe(
      'INVALID_PAYLOAD',
    );
    expect(await refused(fx.user('host2', 'host'), {})).toBe('INSUFFICIENT_FUNDS');

    expect(await fx.store.audit.report()).toEqual(before);
    expect(fx.broadcaster.sent).toEqual([]);
    expect(await fx.store.rains.listActiveRains(10)).toEqual([]);

    // … which an admin may pass; a start slightly in the past (clock skew) means now.
    await fx.mint('admin', limits.rainMaxTotalHost + 1);
    const big = await fx.rains.schedule(
      fx.user('admin', 'admin'),
      'hall',
      spec({ ...base, total: limits.rainMaxTotalHost + 1 }),
    );
    expect(big.total).toBe(limits.rainMaxTotalHost + 1);
    const skewed = await fx.rains.schedule(
      host,
      'hall',
      spec({ ...base, startInMs: undefined, startAt: fx.clock.now() - 4_000 }),
    );
    expect(skewed.startAt).toBe(fx.clock.now());
  });
});

describe('a race rain, driven by the runner', () => {
  it('releases drops on its timeline; each is grabbed once per user; the end refunds the rest', async () => {
    await fx.mint('host', 10_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'plaza',
      spec({
        total: 1_000,
        drops: 2,
        sharesPerDrop: 2,
        split: 'equal',
        startInMs: 1_000,
        durationMs: 2_000,
        dropTtlMs: 500,
        mode: 'race',
      }),
    );
    const [d0, d1] = await dropTimes(rain.id);
    fx.broadcaster.clear();

    // Before the start: the runner takes the rain but releases nothing.
    await fx.runner.tick();
    expect(fx.runner.driven).toEqual([rain.id]);
    expect(fx.broadcaster.sent).toEqual([]);
    expect((await refusal(fx.rains.grab(ref('a'), rain.id, d0!.dropId))).code).toBe('RAIN_NOT_ACTIVE');

    await tickAt(d0!.at);
    expect(fx.broadcaster.names('plaza')).toEqual(['rain:started', 'rain:drops']);
    expect(fx.broadcaster.toRoomOf('plaza', 'rain:drops')).toEqual([
      {
        rainId: rain.id,
        serverTime: d0!.at,
        drops: [expect.objectContaining({ dropId: d0!.dropId, shares: 2, ttlMs: 500 })],
      },
    ]);
    // The next drop has not fallen: no grabbing it early.
    expect((await refusal(fx.rains.grab(ref('a'), rain.id, d1!.dropId))).code).toBe('DROP_NOT_ACTIVE');

    expect(await fx.rains.grab(ref('a'), rain.id, d0!.dropId)).toEqual({ amount: 250 });
    expect((await refusal(fx.rains.grab(ref('a'), rain.id, d0!.dropId))).code).toBe('ALREADY_GRABBED');
    expect(await fx.rains.grab(ref('b'), rain.id, d0!.dropId)).toEqual({ amount: 250 });
    // Taking the last share tells the other nodes the drop is gone, before anyone is refused.
    expect(fx.goneDrops).toEqual([[rain.id, d0!.dropId]]);
    expect((await refusal(fx.rains.grab(ref('c'), rain.id, d0!.dropId))).code).toBe('PACKET_EMPTY');
    expect(fx.goneDrops).toHaveLength(1);
    expect(await fx.balance('a')).toBe(250);
    expect(fx.broadcaster.toUserOf('a', 'wallet:updated')).toEqual([{ balance: 250 }]);
    // The emptied drop is announced on the runner's next tick, once.
    expect(fx.broadcaster.toRoomOf('plaza', 'rain:gone')).toEqual([]);
    await fx.runner.tick();
    expect(fx.broadcaster.toRoomOf('plaza', 'rain:gone')).toEqual([
      { rainId: rain.id, dropIds: [d0!.dropId] },
    ]);

    await tickAt(d1!.at);
    expect(fx.runner.driven).toEqual([rain.id]); // every drop is out, but d1 is still falling
    expect(fx.broadcaster.toRoomOf('plaza', 'rain:drops').map((e) => e.drops.map((d) => d.dropId))).toEqual([
      [d0!.dropId],
      [d1!.dropId],
    ]);
    expect(await fx.rains.grab(ref('a'), rain.id, d1!.dropId)).toEqual({ amount: 250 });
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 250, wallets: 9_000 + 750 });

    // The window closes (end exclusive); the next tick ends the rain and refunds the rest.
    fx.clock.set(d1!.at + 500);
    expect((await refusal(fx.rains.grab(ref('b'), rain.id, d1!.dropId))).code).toBe('DROP_NOT_ACTIVE');
    await fx.runner.tick();
    expect(fx.runner.driven).toEqual([]);
    const stored = (await fx.store.rains.getRain(rain.id))!;
    expect(fx.broadcaster.toRoomOf('plaza', 'rain:ended')).toEqual([
      {
        rainId: rain.id,
        roomId: 'plaza',
        reason: 'finished',
        totals: { paid: 750, refunded: 250, grabs: 3, winners: 2 },
        leaderboard: [
          { userId: 'a', name: 'a-name', amount: 500, grabs: 2 },
          { userId: 'b', name: 'b-name', amount: 250, grabs: 1 },
        ],
        seed: stored.seed,
      },
    ]);
    expect(await fx.balance('host')).toBe(9_000 + 250);
    expect(fx.broadcaster.toUserOf('host', 'wallet:updated')).toEqual([{ balance: 9_250 }]);
    expect((await refusal(fx.rains.grab(ref('c'), rain.id, d1!.dropId))).code).toBe('RAIN_NOT_ACTIVE');
    expect(await fx.rains.details(rain.id)).toMatchObject({
      rain: { status: 'ended', released: 2, paid: 750, refunded: 250 },
      totals: { paid: 750, refunded: 250, grabs: 3, winners: 2 },
    });
    await fx.runner.tick();
    expect(fx.broadcaster.toRoomOf('plaza', 'rain:ended')).toHaveLength(1); // ended once
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 0, inFlight: 0, wallets: 10_000 });
  });

  it('enforces the grab cap and the tap rate per user', async () => {
    await fx.mint('host', 10_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'caps',
      spec({
        total: 400,
        drops: 2,
        sharesPerDrop: 2,
        split: 'equal',
        startInMs: 0,
        durationMs: 2_000,
        dropTtlMs: 3_000,
        maxGrabsPerUser: 1,
        maxTapsPerSec: 1,
        mode: 'race',
      }),
    );
    const [d0, d1] = await dropTimes(rain.id);
    await tickAt(d1!.at); // both drops have fallen and d0 is still open
    expect(await fx.rains.grab(ref('a'), rain.id, d0!.dropId)).toEqual({ amount: 100 });
    // A second tap within the same second is refused before anything else is judged.
    expect((await refusal(fx.rains.grab(ref('a'), rain.id, d1!.dropId))).code).toBe('RATE_LIMITED');
    fx.clock.set(fx.clock.now() - (fx.clock.now() % 1_000) + 1_000); // the next one-second window
    expect((await refusal(fx.rains.grab(ref('a'), rain.id, d1!.dropId))).code).toBe('GRAB_CAP_REACHED');
    expect(await fx.rains.grab(ref('b'), rain.id, d1!.dropId)).toEqual({ amount: 100 });
    expect(await fx.balance('a')).toBe(100);
  });
});

describe('RainService.cancel', () => {
  it('its host or an admin stops it at once and gets back what was not paid; nobody else', async () => {
    await fx.mint('host', 10_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'lane',
      spec({
        total: 600,
        drops: 3,
        sharesPerDrop: 1,
        split: 'equal',
        startInMs: 0,
        durationMs: 3_000,
        dropTtlMs: 3_000,
        mode: 'race',
      }),
    );
    const [d0, d1] = await dropTimes(rain.id);
    await tickAt(d0!.at);
    expect(await fx.rains.grab(ref('a'), rain.id, d0!.dropId)).toEqual({ amount: 200 });

    expect((await refusal(fx.rains.cancel(fx.user('a'), rain.id))).code).toBe('FORBIDDEN');
    expect((await refusal(fx.rains.cancel(fx.user('other-host', 'host'), rain.id))).code).toBe('FORBIDDEN');
    expect((await refusal(fx.rains.cancel(fx.user('host', 'host'), 'rn_nope'))).code).toBe('NOT_FOUND');
    expect(await fx.rains.cancel(fx.user('host', 'host'), rain.id)).toEqual({ refunded: 400 });
    expect(fx.broadcaster.toRoomOf('lane', 'rain:ended')).toMatchObject([
      { rainId: rain.id, reason: 'cancelled', totals: { paid: 200, refunded: 400, grabs: 1, winners: 1 } },
    ]);
    expect(await fx.balance('host')).toBe(9_800);
    expect((await refusal(fx.rains.cancel(fx.user('host', 'host'), rain.id))).code).toBe('RAIN_NOT_ACTIVE');
    // (d0 this node knows is empty; d1 the store judges.)
    expect((await refusal(fx.rains.grab(ref('b'), rain.id, d1!.dropId))).code).toBe('RAIN_NOT_ACTIVE');
    // The runner lets go of it, releasing nothing more.
    await tickAt(rain.startAt + 3_000);
    expect(fx.runner.driven).toEqual([]);
    expect(fx.broadcaster.toRoomOf('lane', 'rain:drops')).toHaveLength(1);
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 0, inFlight: 0 });
  });

  it('an admin cancels a rain that has not started, for a full refund to the host', async () => {
    await fx.mint('host', 1_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'hall',
      spec({ total: 1_000, drops: 10, durationMs: 5_000, startInMs: 60_000 }),
    );
    expect(await fx.rains.cancel(fx.user('root', 'admin'), rain.id)).toEqual({ refunded: 1_000 });
    expect(await fx.balance('host')).toBe(1_000);
  });
});

describe('a lottery rain', () => {
  it('refuses taps before the reaction floor, draws tickets at the window close, answers late grabs after', async () => {
    await fx.mint('host', 10_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'lotto',
      spec({
        total: 900,
        drops: 1,
        sharesPerDrop: 3,
        split: 'equal',
        startInMs: 0,
        durationMs: 1_000,
        dropTtlMs: 2_000,
      }),
    );
    expect(rain).toMatchObject({ mode: 'lottery', windowMs: 400, reactionFloorMs: 150 });
    const [drop] = await dropTimes(rain.id);
    const releasedAt = drop!.at;
    await tickAt(releasedAt);
    const { dropId } = drop!;

    const early = await refusal(fx.rains.grab(ref('p0'), rain.id, dropId));
    expect(early.code).toBe('GRAB_TOO_EARLY');
    fx.clock.set(releasedAt + 150); // the window opens
    const outcomes: Record<string, number | string> = {};
    const tap = (userId: string) =>
      fx.rains.grab(ref(userId), rain.id, dropId).then(
        (r) => (outcomes[userId] = r.amount),
        (err: unknown) => (outcomes[userId] = (err as GameError).code),
      );
    const tickets = ['p0', 'p1', 'p2', 'p3'].map(tap);
    expect((await refusal(fx.rains.grab(ref('p1'), rain.id, dropId))).code).toBe('ALREADY_GRABBED');
    expect(fx.waiter.pending).toBe(1);

    // A tick before the close draws nothing; no ticket is answered.
    await tickAt(releasedAt + 549);
    expect(outcomes).toEqual({});
    // At the close a grab is neither a ticket nor refused: it waits for the draw.
    fx.clock.set(releasedAt + 550);
    const late = tap('late');
    await fx.runner.tick(); // the driver draws
    await Promise.all([...tickets, late]);
    const won = Object.entries(outcomes).filter(([, v]) => typeof v === 'number');
    expect(won).toHaveLength(3);
    expect(won.every(([user, v]) => v === 300 && user !== 'late')).toBe(true);
    expect(Object.values(outcomes).filter((v) => v === 'LOTTERY_LOST')).toHaveLength(1);
    expect(outcomes.late).toBe('PACKET_EMPTY'); // first come after the draw: nothing left
    for (const [user] of won) expect(await fx.balance(user)).toBe(300);
    expect(fx.waiter.pending).toBe(0);

    await tickAt(releasedAt + 2_000); // the drop's life is over
    expect(fx.broadcaster.toRoomOf('lotto', 'rain:ended')).toMatchObject([
      { reason: 'finished', totals: { paid: 900, refunded: 0, grabs: 3, winners: 3 } },
    ]);
    expect(await fx.balance('host')).toBe(9_100);
    expect(await fx.expectBalanced()).toMatchObject({ escrow: 0, inFlight: 0, wallets: 10_000 });
  });

  it('stops at maxGrabsPerUser: a winner at the cap gets no ticket in a later drop', async () => {
    await fx.mint('host', 10_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'lotto',
      spec({
        total: 300,
        drops: 3,
        sharesPerDrop: 1,
        split: 'equal',
        maxGrabsPerUser: 1,
        startInMs: 0,
        durationMs: 6_000,
        dropTtlMs: 1_000,
      }),
    );
    // Drops 0 and 2 fall at least 2 s apart: drop 0 is drawn before drop 2 opens.
    const [d0, , d2] = await dropTimes(rain.id);
    await tickAt(d0!.at);
    fx.clock.set(d0!.at + 150);
    const first = ['a', 'b'].map((u) =>
      fx.rains.grab(ref(u), rain.id, d0!.dropId).then(
        (r) => ({ u, won: r.amount }),
        () => ({ u, won: 0 }),
      ),
    );
    await tickAt(d0!.at + 550);
    const results = await Promise.all(first);
    const winner = results.find((r) => r.won > 0)!.u;
    const loser = results.find((r) => r.won === 0)!.u;

    await tickAt(d2!.at);
    fx.clock.set(d2!.at + 150);
    expect((await refusal(fx.rains.grab(ref(winner), rain.id, d2!.dropId))).code).toBe('GRAB_CAP_REACHED');
    const second = fx.rains.grab(ref(loser), rain.id, d2!.dropId);
    await tickAt(d2!.at + 550);
    expect(await second).toEqual({ amount: 100 });
    expect(await fx.balance(winner)).toBe(100);
    await tickAt(d2!.at + 1_000);
    expect(fx.broadcaster.toRoomOf('lotto', 'rain:ended')).toMatchObject([
      { totals: { paid: 200, refunded: 100, grabs: 2, winners: 2 } },
    ]);
  });

  it('a late grab after the draw goes first come while shares are left', async () => {
    await fx.mint('host', 10_000);
    const rain = await fx.rains.schedule(
      fx.user('host', 'host'),
      'lotto',
      spec({
        total: 300,
        drops: 1,
        sharesPerDrop: 3,
        split: 'equal',
        startInMs: 0,
        durationMs: 1_000,
        dropTtlMs: 2_000,
      }),
    );
    const [drop] = await dropTimes(rain.id);
    await tickAt(drop!.at);
    fx.clock.set(drop!.at + 150);
    const ticket = fx.rains.grab(ref('only'), rain.id, drop!.dropId);
    await tickAt(drop!.at + 550);
    expect(await ticket).toEqual({ amount: 100 });
    expect(await fx.rains.grab(ref('late'), rain.id, drop!.dropId)).toEqual({ amount: 100 });
    await tickAt(drop!.at + 2_000);
    expect(fx.broadcaster.toRoomOf('lotto', 'rain:ended')).toMatchObject([
      { totals: { paid: 200, refunded: 100, grabs: 2, winners: 2 } },
    ]);
    expect(await fx.balance('host')).toBe(9_800);
  });
});
