/**
 * The risk store contract, written once and run against the risk part of MemoryStore and
 * RedisStore (one Redis and a Cluster), beside the other parts so money can move too:
 *   describeRiskContract('memory', async () => new MemoryStore());
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { riskDay, type RiskDay } from '../../server/domain/risk-day.js';
import type { RiskPolicy } from '../../server/domain/risk-rules.js';
import { equalSplit } from '../../server/domain/split.js';
import type { RiskStore, SendAdmission } from '../../server/store/risk/risk-store.js';
import type { Store } from '../../server/store/store.js';
import { packetRecord } from './store-contract.js';

export interface RiskBackend {
  store: Store;
  risk: RiskStore;
}

export const TEST_POLICY: RiskPolicy = {
  timeZone: 'Asia/Shanghai',
  dailyMaxSends: 100,
  dailyMaxSentFen: 1_000_000,
  dailyMaxReceivedFen: 100_000,
  dailyMaxRainFen: 10_000_000,
  verifyAfterSends: 5,
  verifyMaxAgeMs: 300_000,
  breakerRepeat: 5,
  breakerWindowMs: 3_600_000,
  breakerCooldownMs: 600_000,
  grabFailMax: 5,
  grabFailWindowMs: 10_000,
  grabCooldownMs: 30_000,
  maxAccountsPerDevice: 3,
  maxAccountsPerIp: 10,
  clusterEnforce: false,
};

// Wall-clock based: Redis expires keys by its own clock, so the day must be a real one.
const now = (): number => Date.now();
let seq = 0;
const uid = (): string => `u${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export function describeRiskContract(name: string, factory: () => Promise<Store>): void {
  describe(`risk store contract: ${name}`, () => {
    let b: RiskBackend;
    let day: RiskDay;
    beforeEach(async () => {
      const store = await factory();
      b = { store, risk: store.risk };
      day = riskDay(now(), TEST_POLICY.timeZone);
    });
    afterEach(async () => {
      await b.store.close();
    });

    const send = (userId: string, over: Partial<SendAdmission> = {}, policy = TEST_POLICY) =>
      b.risk.admitSend(
        {
          userId,
          sendId: `pk_${uid()}`,
          kind: 'packet',
          amount: 100,
          now: now(),
          day,
          verified: true,
          ...over,
        },
        policy,
      );

    it('100 concurrent sends by one user race a daily cap of 10: exactly 10 pass and are funded', async () => {
      const policy = { ...TEST_POLICY, dailyMaxSends: 10, breakerRepeat: 0 };
      const sender = uid();
      await b.store.wallets.mint(sender, 100_000, `mint-${sender}`, now());
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const packet = packetRecord({ senderId: sender, total: 500, count: 5, kind: 'equal' });
          const decision = await b.risk.admitSend(
            {
              userId: sender,
              sendId: packet.id,
              kind: 'packet',
              amount: 500,
              now: now(),
              day,
              verified: true,
            },
            policy,
          );
          if (!decision.ok) return decision.refusal.rule;
          const held = await b.store.wallets.hold({
            holdId: packet.id,
            userId: sender,
            amount: 500,
            at: now(),
          });
          expect(held.ok).toBe(true);
          expect(await b.store.packets.createPacket(packet, equalSplit(100, 5))).toBe('created');
          await b.store.wallets.settleHold(sender, packet.id);
          return 'sent';
        }),
      );
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(10);
      expect(outcomes.filter((o) => o === 'daily-sends')).toHaveLength(90);
      expect(await b.store.wallets.getBalance(sender)).toBe(100_000 - 10 * 500);
      expect(await b.risk.dayTotals(sender, day)).toMatchObject({ sends: 10, sentFen: 5_000 });
      expect(await b.store.audit.report()).toMatchObject({ balanced: true, difference: 0, doubleClaims: 0 });
    });

    it('concurrent sends race the daily fen cap: never more than the cap is counted', async () => {
      const policy = { ...TEST_POLICY, dailyMaxSentFen: 1_000, breakerRepeat: 0 };
      const sender = uid();
      const results = await Promise.all(
        Array.from({ length: 30 }, () => send(sender, { amount: 300 }, policy)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect((await b.risk.dayTotals(sender, day)).sentFen).toBe(900);
    });

    it('is idempotent by send id, and an undo takes a send back once', async () => {
      const sender = uid();
      const a = await send(sender, { sendId: 'pk_same' });
      const again = await send(sender, { sendId: 'pk_same' });
      expect(a.ok && again.ok).toBe(true);
      expect(await b.risk.dayTotals(sender, day)).toMatchObject({ sends: 1, sentFen: 100 });
      await b.risk.undoSend(sender, 'pk_same', day);
      await b.risk.undoSend(sender, 'pk_same', day);
      expect(await b.risk.dayTotals(sender, day)).toMatchObject({ sends: 0, sentFen: 0 });
      expect((await b.risk.topOfDay(day, 10)).senders).toEqual([]);
    });

    it('step-up: past five sends an unverified send is refused and changes nothing', async () => {
      const sender = uid();
      for (let i = 1; i <= 5; i++) expect((await send(sender, { amount: i, verified: false })).ok).toBe(true);
      const refused = await send(sender, { amount: 6, verified: false });
      expect(refused).toMatchObject({ ok: false, refusal: { rule: 'step-up', sends: 5 } });
      expect(await b.risk.dayTotals(sender, day)).toMatchObject({ sends: 5, sentFen: 15 });
      expect(await send(sender, { amount: 6, verified: true })).toMatchObject({
        ok: true,
        day: { sends: 6 },
      });
    });

    it('the fifth identical amount trips the breaker; it pauses the sender until reset', async () => {
      const sender = uid();
      for (let i = 0; i < 4; i++) expect((await send(sender, { amount: 888 })).ok).toBe(true);
      const t = now();
      const fifth = await send(sender, { amount: 888, now: t });
      expect(fifth).toMatchObject({
        ok: false,
        refusal: { rule: 'breaker', tripped: true, until: t + 600_000 },
      });
      expect(await send(sender, { amount: 1 })).toMatchObject({
        ok: false,
        refusal: { rule: 'breaker', tripped: false },
      });
      expect(await b.risk.dayTotals(sender, day)).toMatchObject({ sends: 4, sentFen: 4 * 888 });
      expect((await b.risk.breaker(sender)).until).toBe(t + 600_000);
      // After the cool-down (by request time) sending works again.
      expect((await send(sender, { amount: 888, now: t + 600_000 })).ok).toBe(true);
      await b.risk.resetBreaker(sender);
      expect(await b.risk.breaker(sender)).toEqual({ amount: 0, run: 0, since: 0, until: 0 });
    });

    it('the breaker trips once even when identical sends race', async () => {
      const sender = uid();
      const results = await Promise.all(Array.from({ length: 20 }, () => send(sender, { amount: 520 })));
      expect(results.filter((r) => r.ok)).toHaveLength(4);
      const tripped = results.filter((r) => !r.ok && r.refusal.rule === 'breaker' && r.refusal.tripped);
      expect(tripped).toHaveLength(1);
    });

    it('counts a new day from zero', async () => {
      const sender = uid();
      const policy = { ...TEST_POLICY, dailyMaxSends: 1 };
      expect((await send(sender, {}, policy)).ok).toBe(true);
      expect((await send(sender, {}, policy)).ok).toBe(false);
      const tomorrow = riskDay(day.resetAt, TEST_POLICY.timeZone);
      expect(tomorrow.day).not.toBe(day.day);
      expect((await send(sender, { day: tomorrow }, policy)).ok).toBe(true);
    });

    it('rain budgets count against their own daily cap', async () => {
      const host = uid();
      const policy = { ...TEST_POLICY, dailyMaxRainFen: 1_000 };
      expect((await send(host, { kind: 'rain', amount: 600 }, policy)).ok).toBe(true);
      const refused = await send(host, { kind: 'rain', amount: 600 }, policy);
      expect(refused).toMatchObject({
        ok: false,
        refusal: { rule: 'daily-rain-fen', used: 600, cap: 1_000 },
      });
      expect(await b.risk.dayTotals(host, day)).toMatchObject({ sends: 0, rainFen: 600 });
    });

    it('adds received fen per user and reports who reached the cap; ranks the day', async () => {
      const [a, c, d] = [uid(), uid(), uid()];
      expect(
        await b.risk.addReceived(
          day,
          [
            { userId: a, fen: 60 },
            { userId: c, fen: 10 },
          ],
          100,
        ),
      ).toEqual([]);
      const capped = await b.risk.addReceived(
        day,
        [
          { userId: a, fen: 40 },
          { userId: d, fen: 5 },
        ],
        100,
      );
      expect(capped).toEqual([a]);
      expect((await b.risk.dayTotals(a, day)).receivedFen).toBe(100);
      await send(d, { amount: 700 });
      const top = await b.risk.topOfDay(day, 2);
      expect(top.receivers).toEqual([
        { userId: a, fen: 100 },
        { userId: c, fen: 10 },
      ]);
      expect(top.senders).toEqual([{ userId: d, fen: 700 }]);
    });

    it('cools a user down after the max failed grabs in a window', async () => {
      const user = uid();
      const t = now();
      for (let i = 0; i < 4; i++) expect(await b.risk.countGrabFailure(user, t + i, TEST_POLICY)).toBe(0);
      expect(await b.risk.countGrabFailure(user, t + 4, TEST_POLICY)).toBe(t + 4 + 30_000);
      expect(await b.risk.countGrabFailure(user, t + 5, TEST_POLICY)).toBe(t + 4 + 30_000);
    });

    it('records winners by device and address and reports clusters over the limit', async () => {
      const source = `pk_${uid()}`;
      const until = now() + 60_000;
      const wins = ['a', 'b', 'c'].map((userId) => ({ userId, ip: '10.0.0.1', deviceId: 'dev-1' }));
      expect(await b.risk.recordWinners(source, wins, TEST_POLICY, until)).toEqual([]);
      const hits = await b.risk.recordWinners(
        source,
        [
          { userId: 'd', ip: '10.0.0.1', deviceId: 'dev-1' },
          { userId: 'a', ip: '10.0.0.1', deviceId: 'dev-1' },
        ],
        TEST_POLICY,
        until,
      );
      expect(hits).toEqual([{ field: 'device:dev-1', members: ['a', 'b', 'c', 'd'] }]);
    });

    it('enforcing mode admits up to the limit and refuses the next account, writing nothing', async () => {
      const source = `pk_${uid()}`;
      const until = now() + 60_000;
      const win = (userId: string) => ({ userId, ip: '10.0.0.2', deviceId: 'dev-2' });
      for (const u of ['a', 'b', 'c'])
        expect(await b.risk.admitWinner(source, win(u), TEST_POLICY, until)).toEqual({ ok: true });
      expect(await b.risk.admitWinner(source, win('a'), TEST_POLICY, until)).toEqual({ ok: true });
      expect(await b.risk.admitWinner(source, win('d'), TEST_POLICY, until)).toEqual({
        ok: false,
        hit: { field: 'device:dev-2', members: ['a', 'b', 'c', 'd'] },
      });
      expect(await b.risk.recordWinners(source, [win('c')], TEST_POLICY, until)).toEqual([]);
    });

    it('keeps bans and flags', async () => {
      const user = uid();
      await b.risk.ban({ userId: user, reason: 'fraud', by: 'admin', at: 1 });
      expect(await b.risk.listBans()).toEqual([{ userId: user, reason: 'fraud', by: 'admin', at: 1 }]);
      expect(await b.risk.unban(user)).toBe(true);
      expect(await b.risk.unban(user)).toBe(false);
      expect(await b.risk.listBans()).toEqual([]);
      const flag = {
        id: `f-${user}`,
        rule: 'breaker' as const,
        userIds: [user],
        evidence: { amount: 5 },
        at: 2,
      };
      await b.risk.raiseFlag(flag);
      expect(await b.risk.getFlag(flag.id)).toEqual(flag);
      expect(await b.risk.listFlags()).toEqual([flag]);
      expect(await b.risk.clearFlag(flag.id)).toBe(true);
      expect(await b.risk.getFlag(flag.id)).toBeNull();
    });

    it('counts content-screening refusals racing from many callers, by list, and clears them', async () => {
      const user = uid();
      const other = uid();
      expect(await b.risk.contentStrikes(user)).toEqual({
        total: 0,
        byList: {},
        lastAt: 0,
        lastList: '',
        lastWhere: '',
      });
      const t = now();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          b.risk.countContentBlock(user, i % 5 === 0 ? 'spam' : 'gambling', 'chat', t + i),
        ),
      );
      // Atomic: every answer is a distinct running total, 1..50.
      expect(answers.map((a) => a.total).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      await b.risk.countContentBlock(user, 'gambling', 'greeting', t + 100);
      expect(await b.risk.contentStrikes(user)).toEqual({
        total: 51,
        byList: { gambling: 41, spam: 10 },
        lastAt: t + 100,
        lastList: 'gambling',
        lastWhere: 'greeting',
      });
      await b.risk.countContentBlock(other, 'gambling', 'chat', t);
      await b.risk.clearContentStrikes(user);
      await b.risk.clearContentStrikes(user);
      expect((await b.risk.contentStrikes(user)).total).toBe(0);
      expect((await b.risk.contentStrikes(other)).total).toBe(1);
      expect((await b.risk.countContentBlock(user, 'spam', 'chat', t + 200)).byList).toEqual({ spam: 1 });
    });
  });
}
