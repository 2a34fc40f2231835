/**
 * The fair-rain part of the store contract (called from describeRainContract): the entry gate
 * (tap limit, reaction floor, lottery tickets) and the fenced draw, with times injected, then
 * a replay of the result from the revealed seed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { drawLottery, drawOrder, seedCommitment } from '../../server/domain/rain-fairness.js';
import { verifyReplay } from '../../server/domain/rain-replay.js';
import { RainAudit } from '../../server/services/rains/rain-audit.js';
import type { Credit, Store } from '../../server/store/store.js';
import { fundRain, type Funded } from './rain-contract.js';

const T0 = 1_700_000_000_000;
/** Every drop of a test rain (start T0 + 1 s, 10 s long) is due by then. */
const RELEASE = T0 + 11_000;
const user = (id: string): { userId: string; name: string } => ({ userId: id, name: id.toUpperCase() });

async function releaseAll(store: Store, f: Funded, at: number): Promise<void> {
  expect((await store.rains.acquireRainLease(f.rain.id, 'n1', at, 60_000)).acquired).toBe(true);
  const ids = f.timeline.map((d) => d.dropId);
  expect(await store.rains.releaseDrops(f.rain.id, 'n1', 0, ids, at, 60_000)).toMatchObject({ ok: true });
}

async function payAll(store: Store, credits: Credit[]): Promise<void> {
  for (const c of credits) await store.wallets.applyCredit(c);
}

export function describeRainFairContract(getStore: () => Store): void {
  describe('fair rains', () => {
    let store: Store;
    beforeEach(() => {
      store = getStore();
    });

    it('500 tickets for a 10-share drop: exactly 10 paid, once each; early grabs refused; replayable', async () => {
      const f = await fundRain(store, {
        drops: 1,
        sharesPerDrop: 10,
        total: 1_000,
        mode: 'lottery',
        windowMs: 400,
        reactionFloorMs: 150,
        maxTapsPerSec: 5,
      });
      const fair = store.lottery;
      const dropId = f.timeline[0]!.dropId;
      await releaseAll(store, f, RELEASE);

      expect(await fair.enterDrop(f.rain.id, dropId, user('eager'), RELEASE + 149)).toEqual({
        status: 'early',
        opensAt: RELEASE + 150,
      });
      const entries = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          fair.enterDrop(f.rain.id, dropId, user(`c${i}`), RELEASE + 150 + (i % 400)),
        ),
      );
      expect(entries.every((e) => e.status === 'ticket' && e.closeAt === RELEASE + 550)).toBe(true);
      expect(await fair.enterDrop(f.rain.id, dropId, user('c7'), RELEASE + 300)).toEqual({
        status: 'already',
      });
      // The window has closed and the driver has not drawn yet: later grabs wait for the draw.
      expect(await fair.enterDrop(f.rain.id, dropId, user('late'), RELEASE + 550)).toEqual({
        status: 'drawing',
        closeAt: RELEASE + 550,
      });

      const state = await fair.dropTickets(f.rain.id, dropId);
      expect(state?.releasedAt).toBe(RELEASE);
      const tickets = state!.tickets.map((t) => t.userId);
      expect(tickets).toHaveLength(500);
      expect(new Set(tickets).size).toBe(500);
      const order = drawOrder(f.rain.seed, dropId, tickets);
      const winners = drawLottery(f.rain.seed, dropId, tickets, 10).map(user);
      expect(winners.map((w) => w.userId)).toEqual(order.slice(0, 10));
      const draw = (
        node: string,
        from: number,
        count: number,
        at: number,
      ): ReturnType<typeof fair.drawDrop> => fair.drawDrop(f.rain.id, node, from, dropId, count, order, at);
      expect(await draw('n1', 0, 500, RELEASE + 549)).toEqual({ ok: false, reason: 'not-closed' });
      expect(await draw('n2', 0, 500, RELEASE + 550)).toEqual({ ok: false, reason: 'lease-lost' });
      expect(await draw('n1', 0, 499, RELEASE + 550)).toEqual({ ok: false, reason: 'tickets-moved' });
      // The order must be every ticket holder once: only ticket holders can win.
      const forged = ['eager', ...order.slice(1)];
      await expect(fair.drawDrop(f.rain.id, 'n1', 0, dropId, 500, forged, RELEASE + 550)).rejects.toThrow();
      await expect(
        fair.drawDrop(f.rain.id, 'n1', 0, dropId, 500, order.slice(0, 10), RELEASE + 550),
      ).rejects.toThrow();
      const [first, again] = await Promise.all([
        draw('n1', 0, 500, RELEASE + 551),
        draw('n1', 0, 500, RELEASE + 551),
      ]);
      expect(again).toEqual({ ok: false, reason: 'cursor-moved' }); // drawn once, whoever asks
      if (!first.ok) throw new Error(`expected the draw, got ${first.reason}`);
      expect(first.dropLeft).toBe(0);
      expect(first.credits.map((c) => c.userId)).toEqual(winners.map((w) => w.userId));
      expect(first.credits.reduce((s, c) => s + c.amount, 0)).toBe(1_000);
      expect(await store.rains.getRain(f.rain.id)).toMatchObject({ drawn: 1, paid: 1_000, grabs: 10 });

      // Losers are told so: the draw names exactly the winners.
      const result = await fair.dropDraw(f.rain.id, dropId);
      expect(result).toEqual({
        state: 'drawn',
        winners: first.credits.map((c) => ({ userId: c.userId, amount: c.amount })),
      });
      const loser = tickets.find((t) => !winners.some((w) => w.userId === t))!;
      // After the draw grabs go first come: nothing is left; a winner cannot take a second share.
      expect(await fair.enterDrop(f.rain.id, dropId, user(loser), RELEASE + 600)).toEqual({ status: 'pass' });
      expect(await store.rains.grabDrop(f.rain.id, dropId, user(loser), RELEASE + 600)).toEqual({
        status: 'drop-empty',
      });
      expect(await store.rains.grabDrop(f.rain.id, dropId, winners[0]!, RELEASE + 601)).toEqual({
        status: 'already',
      });

      await payAll(store, first.credits);
      const ended = await store.rains.endRain(f.rain.id, RELEASE + 3_000, 'finished');
      expect(ended).toMatchObject({ status: 'ended', refund: null, winners: 10 });
      expect(await fair.dropDraw(f.rain.id, dropId)).toMatchObject({ state: 'drawn' });
      expect(await store.audit.report()).toMatchObject({ balanced: true, doubleClaims: 0 });

      const trail = await fair.rainTrail(f.rain.id);
      expect(trail?.claims).toHaveLength(10);
      expect(new Set(trail?.claims.map((c) => c.userId)).size).toBe(10);
      expect(trail?.log.filter((e) => e.outcome === 'ticket')).toHaveLength(500);
      expect(trail?.log.find((e) => e.outcome === 'early')).toMatchObject({
        userId: 'eager',
        reactionMs: 149,
      });
      const bundle = await new RainAudit(store).replay(f.rain.id);
      expect(bundle.seed).toBe(f.rain.seed);
      expect(bundle.rain.seedHash).toBe(seedCommitment(f.rain.seed));
      expect(verifyReplay(bundle)).toMatchObject({
        ok: true,
        problems: [],
        checked: { drops: 1, draws: 1, passedOver: 0, claims: 10, paid: 1_000 },
      });
    });

    it('maxGrabsPerUser in a lottery: no ticket at the cap, draws pass over holders at it; replayable', async () => {
      const f = await fundRain(store, {
        drops: 3,
        sharesPerDrop: 2,
        total: 600,
        mode: 'lottery',
        maxGrabsPerUser: 1,
        maxTapsPerSec: 10,
      });
      const [d0, d1, d2] = f.timeline.map((d) => d.dropId) as [string, string, string];
      const fair = store.lottery;
      expect((await store.rains.acquireRainLease(f.rain.id, 'n1', RELEASE, 60_000)).acquired).toBe(true);
      expect(await store.rains.releaseDrops(f.rain.id, 'n1', 0, [d0, d1], RELEASE, 60_000)).toMatchObject({
        ok: true,
      });
      // Four players hold a ticket for both open drops before either is drawn.
      const players = ['a', 'b', 'c', 'd'];
      for (const dropId of [d0, d1])
        for (const p of players)
          expect(await fair.enterDrop(f.rain.id, dropId, user(p), RELEASE + 200)).toMatchObject({
            status: 'ticket',
          });
      const drawn = async (dropId: string, from: number, at: number): Promise<Credit[]> => {
        const tickets = (await fair.dropTickets(f.rain.id, dropId))!.tickets.map((t) => t.userId);
        const order = drawOrder(f.rain.seed, dropId, tickets);
        const result = await fair.drawDrop(f.rain.id, 'n1', from, dropId, tickets.length, order, at);
        if (!result.ok) throw new Error(`expected the draw, got ${result.reason}`);
        return result.credits;
      };
      const first = await drawn(d0, 0, RELEASE + 550);
      const capped = new Set(first.map((c) => c.userId));
      expect(capped.size).toBe(2);
      // Drop 1's draw passes over the two who just reached the cap: the other two win.
      const second = await drawn(d1, 1, RELEASE + 550);
      expect(second.map((c) => c.userId)).toEqual(
        drawLottery(f.rain.seed, d1, players, 2, (u) => capped.has(u)),
      );
      expect(second.map((c) => c.userId).sort()).toEqual(players.filter((p) => !capped.has(p)));
      const order1 = drawOrder(f.rain.seed, d1, players);
      const lastWinner = Math.max(...second.map((c) => order1.indexOf(c.userId)));
      const passedOver = order1.slice(0, lastWinner).filter((p) => capped.has(p)).length;
      expect(await fair.dropDraw(f.rain.id, d1)).toEqual({
        state: 'drawn',
        winners: second.map((c) => ({ userId: c.userId, amount: c.amount })),
      });

      // Everyone has won once now: no tickets for them in the next drop; a newcomer takes one.
      expect(await store.rains.releaseDrops(f.rain.id, 'n1', 2, [d2], RELEASE + 600, 60_000)).toMatchObject({
        ok: true,
      });
      for (const p of players)
        expect(await fair.enterDrop(f.rain.id, d2, user(p), RELEASE + 800)).toEqual({ status: 'cap' });
      expect(await fair.enterDrop(f.rain.id, d2, user('e'), RELEASE + 800)).toMatchObject({
        status: 'ticket',
      });
      const third = await drawn(d2, 2, RELEASE + 1_150);
      expect(third.map((c) => c.userId)).toEqual(['e']);
      // After the draw, first come: the cap holds there too.
      expect(await fair.enterDrop(f.rain.id, d2, user('a'), RELEASE + 1_200)).toEqual({ status: 'pass' });
      expect(await store.rains.grabDrop(f.rain.id, d2, user('a'), RELEASE + 1_200)).toEqual({
        status: 'cap',
      });

      await payAll(store, [...first, ...second, ...third]);
      const ended = await store.rains.endRain(f.rain.id, RELEASE + 4_000, 'finished');
      expect(ended).toMatchObject({ status: 'ended', winners: 5 });
      const trail = await fair.rainTrail(f.rain.id);
      const wins = new Map<string, number>();
      for (const c of trail!.claims) wins.set(c.userId, (wins.get(c.userId) ?? 0) + 1);
      expect([...wins.values()].every((n) => n === 1)).toBe(true);
      const bundle = await new RainAudit(store).replay(f.rain.id);
      expect(verifyReplay(bundle)).toMatchObject({
        ok: true,
        problems: [],
        checked: { drops: 3, draws: 3, passedOver, claims: 5 },
      });
      if (ended.status === 'ended' && ended.refund) await payAll(store, [ended.refund]);
      expect(await store.audit.report()).toMatchObject({ balanced: true, doubleClaims: 0 });
    });

    it('limits taps per user per second, counting only accepted taps', async () => {
      const f = await fundRain(store, {
        drops: 4,
        sharesPerDrop: 2,
        total: 800,
        mode: 'race',
        maxTapsPerSec: 3,
      });
      await releaseAll(store, f, RELEASE);
      const tap = (u: string, dropIndex: number, at: number): Promise<string> =>
        store.lottery
          .enterDrop(f.rain.id, f.timeline[dropIndex]?.dropId ?? 'd_forged_id_000000000000', user(u), at)
          .then((o) => o.status);
      expect(await tap('bot', 0, RELEASE)).toBe('pass');
      expect(await tap('bot', 99, RELEASE + 10)).toBe('drop-inactive'); // a forged id is still a tap
      expect(await tap('bot', 1, RELEASE + 20)).toBe('pass');
      expect(
        await store.lottery.enterDrop(f.rain.id, f.timeline[2]!.dropId, user('bot'), RELEASE + 30),
      ).toEqual({
        status: 'rate',
        retryAt: RELEASE - (RELEASE % 1_000) + 1_000,
      });
      expect(await tap('human', 2, RELEASE + 30)).toBe('pass'); // per user
      expect(await tap('bot', 2, RELEASE - (RELEASE % 1_000) + 1_000)).toBe('pass'); // next second
      const trail = await store.lottery.rainTrail(f.rain.id);
      expect(trail?.log.filter((e) => e.userId === 'bot').map((e) => e.outcome)).toEqual([
        'tap',
        'tap',
        'rate',
        'tap',
      ]);
      await store.rains.endRain(f.rain.id, RELEASE + 100, 'cancelled');
      await payAll(store, await store.escrow.listStaleCredits(RELEASE + 200, 10));
    });

    it('a cancelled rain never draws; waiting tickets learn the rain closed', async () => {
      const f = await fundRain(store, { drops: 2, sharesPerDrop: 1, total: 200, mode: 'lottery' });
      await releaseAll(store, f, RELEASE);
      const dropId = f.timeline[0]!.dropId;
      expect(await store.lottery.enterDrop(f.rain.id, dropId, user('a'), RELEASE + 200)).toMatchObject({
        status: 'ticket',
      });
      expect(await store.lottery.dropDraw(f.rain.id, dropId)).toEqual({ state: 'open' });
      await store.rains.endRain(f.rain.id, RELEASE + 300, 'cancelled');
      expect(await store.lottery.dropDraw(f.rain.id, dropId)).toEqual({ state: 'closed' });
      expect(await store.lottery.drawDrop(f.rain.id, 'n1', 0, dropId, 1, ['a'], RELEASE + 600)).toEqual({
        ok: false,
        reason: 'closed',
      });
      expect(await store.audit.report()).toMatchObject({ balanced: true });
      await payAll(store, await store.escrow.listStaleCredits(RELEASE + 700, 10));
    });
  });
}
