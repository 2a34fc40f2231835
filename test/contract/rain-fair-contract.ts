/**
 * The fair-rain part of the store contract (called from describeRainContract): nodes' lottery
 * batches (one per node per drop, one candidate per user across nodes), the fenced draw over
 * their union, with times injected, then a replay of the result from the revealed seed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { drawLottery, drawOrder } from '../../server/domain/rain-lottery.js';
import { seedCommitment } from '../../server/domain/rain-fairness.js';
import { verifyReplay } from '../../server/domain/rain-replay.js';
import { dropBatch } from '../../server/services/rains/drop-batches.js';
import { RainAudit } from '../../server/services/rains/rain-audit.js';
import type { GrabLogEntry } from '../../server/store/rains/lottery-store.js';
import type { Credit, Store } from '../../server/store/store.js';
import { fundRain, type Funded } from './rain-contract.js';

const T0 = 1_700_000_000_000;
/** Every drop of a test rain (start T0 + 1 s, 10 s long) is due by then. */
const RELEASE = T0 + 11_000;
const GRACE = 300;
const user = (id: string): { userId: string; name: string } => ({ userId: id, name: id.toUpperCase() });
const holders = (ids: readonly string[]): Map<string, string> =>
  new Map(ids.map((id) => [id, id.toUpperCase()]));

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

    it('three nodes hand in 500 tickets for a 10-share drop: 10 paid once each, late batch refused; replayable', async () => {
      const f = await fundRain(store, {
        drops: 1,
        sharesPerDrop: 10,
        total: 1_000,
        mode: 'lottery',
        windowMs: 400,
        reactionFloorMs: 150,
      });
      const fair = store.lottery;
      const dropId = f.timeline[0]!.dropId;
      await releaseAll(store, f, RELEASE);
      const users = Array.from({ length: 500 }, (_, i) => `c${i}`);
      // c150..c199 tap on two nodes: one candidate each in the store, whatever the node.
      const lists = [users.slice(0, 200), users.slice(150, 350), users.slice(350)];
      const log: GrabLogEntry[] = [{ userId: 'eager', dropIndex: 0, reactionMs: 149, outcome: 'early' }];
      const batches = lists.map((list, n) =>
        dropBatch(`n${n + 1}`, f.rain.seed, dropId, 10, holders(list), n === 0 ? log : []),
      );
      expect(batches[0]!.candidates).toHaveLength(28); // candidateLimit(10)
      for (const b of batches)
        expect(await fair.submitBatch(f.rain.id, dropId, b)).toEqual({ status: 'accepted' });
      expect(await fair.submitBatch(f.rain.id, dropId, batches[0]!)).toEqual({ status: 'duplicate' });
      expect(await fair.submitBatch(f.rain.id, 'd_unknown', batches[0]!)).toEqual({ status: 'missing' });

      const closes = RELEASE + 550;
      const draw = (node: string, from: number, at: number): ReturnType<typeof fair.drawDrop> =>
        fair.drawDrop(f.rain.id, node, from, dropId, GRACE, at);
      expect(await draw('n1', 0, closes + GRACE - 1)).toEqual({
        ok: false,
        reason: 'not-closed',
        drawAt: closes + GRACE,
      });
      expect(await draw('n2', 0, closes + GRACE)).toEqual({ ok: false, reason: 'lease-lost' });
      const [first, again] = await Promise.all([
        draw('n1', 0, closes + GRACE),
        draw('n1', 0, closes + GRACE),
      ]);
      expect(again).toEqual({ ok: false, reason: 'cursor-moved' }); // drawn once, whoever asks
      if (!first.ok) throw new Error(`expected the draw, got ${first.reason}`);
      expect(first.dropLeft).toBe(0);
      // The union of the nodes' candidates draws what all 500 tickets at once would.
      const winners = drawLottery(f.rain.seed, dropId, users, 10);
      expect(first.credits.map((c) => c.userId)).toEqual(winners);
      expect(first.credits.reduce((s, c) => s + c.amount, 0)).toBe(1_000);
      expect(await store.rains.getRain(f.rain.id)).toMatchObject({ drawn: 1, paid: 1_000, grabs: 10 });
      const [top] = await store.rains.rainLeaderboard(f.rain.id, 1);
      expect(top?.name).toBe(top?.userId.toUpperCase()); // names come with the candidates

      // A node that hands in after the draw is refused: its tickets were not in it.
      const late = dropBatch('n4', f.rain.seed, dropId, 10, holders(['late']));
      expect(await fair.submitBatch(f.rain.id, dropId, late)).toEqual({ status: 'drawn' });
      expect(await fair.dropDraw(f.rain.id, dropId)).toEqual({
        state: 'drawn',
        winners: first.credits.map((c) => ({ userId: c.userId, amount: c.amount })),
      });
      // After the draw grabs go first come: nothing is left; a winner cannot take a second share.
      const loser = users.find((u) => !winners.includes(u))!;
      expect(await store.rains.grabDrop(f.rain.id, dropId, user(loser), closes + 400)).toEqual({
        status: 'drop-empty',
      });
      expect(await store.rains.grabDrop(f.rain.id, dropId, user(winners[0]!), closes + 401)).toEqual({
        status: 'already',
      });

      await payAll(store, first.credits);
      const ended = await store.rains.endRain(f.rain.id, RELEASE + 3_000, 'finished');
      expect(ended).toMatchObject({ status: 'ended', refund: null, winners: 10 });
      expect(await store.audit.report()).toMatchObject({ balanced: true, doubleClaims: 0 });

      const trail = await fair.rainTrail(f.rain.id);
      expect(trail?.claims).toHaveLength(10);
      expect(trail?.log).toEqual(log);
      expect(trail?.drops[0]?.tickets).toHaveLength(500);
      expect(trail?.drops[0]?.batches.map((b) => [b.nodeId, b.count, b.candidates])).toEqual([
        ['n1', 200, 28],
        ['n2', 200, 28],
        ['n3', 150, 28],
      ]);
      const bundle = await new RainAudit(store).replay(f.rain.id);
      expect(bundle.seed).toBe(f.rain.seed);
      expect(bundle.rain.seedHash).toBe(seedCommitment(f.rain.seed));
      expect(verifyReplay(bundle)).toMatchObject({
        ok: true,
        problems: [],
        checked: { drops: 1, draws: 1, passedOver: 0, claims: 10, paid: 1_000 },
      });
      // A node's kept list that does not match its commitment is caught.
      const forged = structuredClone(bundle);
      forged.drops[0]!.batches[1]!.tickets![0] = 'c0x';
      expect(verifyReplay(forged).problems.join()).toMatch(/commitment/);
    });

    it('maxGrabsPerUser in a lottery: draws pass over holders at the cap; replayable', async () => {
      const f = await fundRain(store, {
        drops: 3,
        sharesPerDrop: 2,
        total: 600,
        mode: 'lottery',
        maxGrabsPerUser: 1,
      });
      const [d0, d1, d2] = f.timeline.map((d) => d.dropId) as [string, string, string];
      const fair = store.lottery;
      await releaseAll(store, f, RELEASE);
      const players = ['a', 'b', 'c', 'd'];
      const handIn = async (dropId: string, ids: string[]): Promise<void> => {
        const batch = dropBatch('n1', f.rain.seed, dropId, 2, holders(ids));
        expect(await fair.submitBatch(f.rain.id, dropId, batch)).toEqual({ status: 'accepted' });
      };
      const drawn = async (dropId: string, from: number): Promise<Credit[]> => {
        const result = await fair.drawDrop(f.rain.id, 'n1', from, dropId, GRACE, RELEASE + 5_000);
        if (!result.ok) throw new Error(`expected the draw, got ${result.reason}`);
        return result.credits;
      };
      await handIn(d0, players);
      await handIn(d1, players);
      const first = await drawn(d0, 0);
      const capped = new Set(first.map((c) => c.userId));
      expect(capped.size).toBe(2);
      // Drop 1's draw passes over the two who just reached the cap: the other two win.
      const second = await drawn(d1, 1);
      expect(second.map((c) => c.userId)).toEqual(
        drawLottery(f.rain.seed, d1, players, 2, (u) => capped.has(u)),
      );
      expect(second.map((c) => c.userId).sort()).toEqual(players.filter((p) => !capped.has(p)));
      const order1 = drawOrder(f.rain.seed, d1, players);
      const lastWinner = Math.max(...second.map((c) => order1.indexOf(c.userId)));
      const passedOver = order1.slice(0, lastWinner).filter((p) => capped.has(p)).length;
      // Everyone has won once now: only the newcomer can win drop 2.
      await handIn(d2, [...players, 'e']);
      const third = await drawn(d2, 2);
      expect(third.map((c) => c.userId)).toEqual(['e']);
      // After the draw, first come: the cap holds there too.
      expect(await store.rains.grabDrop(f.rain.id, d2, user('a'), RELEASE + 1_200)).toEqual({
        status: 'cap',
      });

      await payAll(store, [...first, ...second, ...third]);
      const ended = await store.rains.endRain(f.rain.id, RELEASE + 6_000, 'finished');
      expect(ended).toMatchObject({ status: 'ended', winners: 5 });
      const bundle = await new RainAudit(store).replay(f.rain.id);
      expect(verifyReplay(bundle)).toMatchObject({
        ok: true,
        problems: [],
        checked: { drops: 3, draws: 3, passedOver: passedOver + 4, claims: 5 },
      });
      if (ended.status === 'ended' && ended.refund) await payAll(store, [ended.refund]);
      expect(await store.audit.report()).toMatchObject({ balanced: true, doubleClaims: 0 });
    });

    it('a cancelled rain never draws; batches and waiting tickets learn the rain closed', async () => {
      const f = await fundRain(store, { drops: 2, sharesPerDrop: 1, total: 200, mode: 'lottery' });
      const dropId = f.timeline[0]!.dropId;
      // What a node reads of a drop it does not know: its release time (0 before, null: none).
      expect(await store.rains.dropReleasedAt(f.rain.id, dropId)).toBe(0);
      expect(await store.rains.dropReleasedAt(f.rain.id, 'd_unknown')).toBeNull();
      await releaseAll(store, f, RELEASE);
      expect(await store.rains.dropReleasedAt(f.rain.id, dropId)).toBe(RELEASE);
      const batch = dropBatch('n1', f.rain.seed, dropId, 1, holders(['a']));
      expect(await store.lottery.submitBatch(f.rain.id, dropId, batch)).toEqual({ status: 'accepted' });
      expect(await store.lottery.dropDraw(f.rain.id, dropId)).toEqual({ state: 'open' });
      await store.rains.endRain(f.rain.id, RELEASE + 300, 'cancelled');
      expect(await store.lottery.dropDraw(f.rain.id, dropId)).toEqual({ state: 'closed' });
      expect(await store.lottery.drawDrop(f.rain.id, 'n1', 0, dropId, GRACE, RELEASE + 5_000)).toEqual({
        ok: false,
        reason: 'closed',
      });
      const other = dropBatch('n2', f.rain.seed, dropId, 1, holders(['b']));
      expect(await store.lottery.submitBatch(f.rain.id, dropId, other)).toEqual({ status: 'closed' });
      // A log alone (a race drop's, at the rain's end) is still appended; tickets are not.
      const entry: GrabLogEntry = { userId: 'c', dropIndex: 0, reactionMs: 90, outcome: 'tap' };
      const logOnly = dropBatch('n3', f.rain.seed, dropId, 1, holders([]), [entry]);
      expect(await store.lottery.submitBatch(f.rain.id, dropId, logOnly)).toEqual({ status: 'closed' });
      expect((await store.lottery.rainTrail(f.rain.id))?.log).toEqual([entry]);
      expect(await store.audit.report()).toMatchObject({ balanced: true });
      await payAll(store, await store.escrow.listStaleCredits(RELEASE + 700, 10));
    });
  });
}
