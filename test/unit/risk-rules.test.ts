import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/domain/clock.js';
import { isTimeZone, riskDay } from '../../server/domain/risk-day.js';
import {
  CLOSED_BREAKER,
  EMPTY_DAY,
  NO_GRAB_FAILS,
  countGrabFailure,
  decideSend,
  joinCluster,
  sendRefusalError,
  undoSend,
  type BreakerState,
  type DayCounters,
  type RiskPolicy,
  type SendRequest,
} from '../../server/domain/risk-rules.js';
import { clientAddress, isTrusted, normalizeAddress } from '../../server/transport/client-address.js';

export const POLICY: RiskPolicy = {
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
  grabFailMax: 30,
  grabFailWindowMs: 10_000,
  grabCooldownMs: 30_000,
  maxAccountsPerDevice: 3,
  maxAccountsPerIp: 10,
  clusterEnforce: false,
};

// 2026-11-23 10:00 UTC = 18:00 in Shanghai.
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

describe('riskDay', () => {
  it('names the local date and resets at the next local midnight', () => {
    expect(riskDay(T0, 'Asia/Shanghai')).toEqual({ day: '2026-11-23', resetAt: Date.UTC(2026, 10, 23, 16) });
    expect(riskDay(T0, 'UTC')).toEqual({ day: '2026-11-23', resetAt: Date.UTC(2026, 10, 24) });
    expect(riskDay(T0, 'America/New_York')).toEqual({
      day: '2026-11-23',
      resetAt: Date.UTC(2026, 10, 24, 5),
    });
  });

  it('rolls over exactly at local midnight, not UTC midnight', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 15, 59, 59, 999));
    expect(riskDay(clock.now(), 'Asia/Shanghai').day).toBe('2026-11-23');
    clock.advance(1);
    expect(riskDay(clock.now(), 'Asia/Shanghai')).toEqual({
      day: '2026-11-24',
      resetAt: Date.UTC(2026, 10, 24, 16),
    });
  });

  it('has a 23-hour day when the clocks go forward (DST)', () => {
    // New York springs forward on 2026-03-08.
    const day = riskDay(Date.UTC(2026, 2, 8, 6), 'America/New_York');
    expect(day.day).toBe('2026-03-08');
    expect(day.resetAt).toBe(Date.UTC(2026, 2, 9, 4));
  });

  it('knows real zones from made-up ones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

const request = (over: Partial<SendRequest> = {}): SendRequest => ({
  kind: 'packet',
  amount: 100,
  now: T0,
  verified: false,
  resetAt: T0 + 3_600_000,
  ...over,
});

/** Runs sends through decideSend as a store would, returning the decisions. */
function run(amounts: number[], policy = POLICY, start: { day?: DayCounters; breaker?: BreakerState } = {}) {
  let day = start.day ?? EMPTY_DAY;
  let breaker = start.breaker ?? CLOSED_BREAKER;
  return amounts.map((amount, i) => {
    const d = decideSend(day, breaker, request({ amount, now: T0 + i * 1000, verified: true }), policy);
    breaker = d.breaker;
    if (d.ok) day = d.day;
    return d;
  });
}

describe('daily totals', () => {
  it('refuses the send past the count cap, and says which limit and when it resets', () => {
    const d = decideSend({ sends: 100, sentFen: 0, rainFen: 0 }, CLOSED_BREAKER, request(), POLICY);
    expect(d).toMatchObject({ ok: false, refusal: { rule: 'daily-sends', used: 100, cap: 100 } });
    if (d.ok) return;
    const err = sendRefusalError(d.refusal, T0, T0 + 3_600_000);
    expect(err.code).toBe('DAILY_LIMIT');
    expect(err.details).toEqual({ limit: 'daily-sends', resetAt: T0 + 3_600_000, retryAfterMs: 3_600_000 });
  });

  it('refuses a send whose fen would pass the daily fen cap; an exact fit passes', () => {
    const day = { sends: 1, sentFen: 999_900, rainFen: 0 };
    expect(decideSend(day, CLOSED_BREAKER, request({ amount: 101, verified: true }), POLICY)).toMatchObject({
      ok: false,
      refusal: { rule: 'daily-sent-fen' },
    });
    expect(decideSend(day, CLOSED_BREAKER, request({ amount: 100, verified: true }), POLICY)).toMatchObject({
      ok: true,
      day: { sends: 2, sentFen: 1_000_000 },
    });
  });

  it('counts rain budgets apart from packets, against their own cap', () => {
    const d = decideSend(EMPTY_DAY, CLOSED_BREAKER, request({ kind: 'rain', amount: 5_000_000 }), POLICY);
    expect(d).toMatchObject({ ok: true, day: { sends: 0, sentFen: 0, rainFen: 5_000_000 } });
    const over = decideSend(
      { sends: 0, sentFen: 0, rainFen: 9_000_000 },
      CLOSED_BREAKER,
      request({ kind: 'rain', amount: 1_000_001 }),
      POLICY,
    );
    expect(over).toMatchObject({ ok: false, refusal: { rule: 'daily-rain-fen', used: 9_000_000 } });
  });

  it('a limit of 0 is off', () => {
    const off = { ...POLICY, dailyMaxSends: 0, dailyMaxSentFen: 0, verifyAfterSends: 0 };
    const d = decideSend({ sends: 10_000, sentFen: 1e12, rainFen: 0 }, CLOSED_BREAKER, request(), off);
    expect(d.ok).toBe(true);
  });

  it('undo takes an admitted send back', () => {
    expect(undoSend({ sends: 3, sentFen: 300, rainFen: 50 }, 'packet', 100)).toEqual({
      sends: 2,
      sentFen: 200,
      rainFen: 50,
    });
    expect(undoSend({ sends: 3, sentFen: 300, rainFen: 50 }, 'rain', 50)).toEqual({
      sends: 3,
      sentFen: 300,
      rainFen: 0,
    });
  });
});

describe('step-up verification', () => {
  const five = { sends: 5, sentFen: 500, rainFen: 0 };

  it('lets the first five sends of the day through without a fresh sign-in', () => {
    expect(decideSend({ ...five, sends: 4 }, CLOSED_BREAKER, request(), POLICY).ok).toBe(true);
  });

  it('asks for verification beyond five sends, changing nothing', () => {
    const d = decideSend(five, CLOSED_BREAKER, request(), POLICY);
    expect(d).toEqual({ ok: false, refusal: { rule: 'step-up', sends: 5 }, breaker: CLOSED_BREAKER });
    if (d.ok) return;
    expect(sendRefusalError(d.refusal, T0, T0 + 1).code).toBe('VERIFICATION_REQUIRED');
  });

  it('lets a recently signed-in sender through', () => {
    expect(decideSend(five, CLOSED_BREAKER, request({ verified: true }), POLICY)).toMatchObject({
      ok: true,
      day: { sends: 6 },
    });
  });
});

describe('identical-amount breaker', () => {
  it('trips on the fifth identical amount in a row, refusing it and pausing the sender', () => {
    const decisions = run([888, 888, 888, 888, 888]);
    expect(decisions.slice(0, 4).every((d) => d.ok)).toBe(true);
    const fifth = decisions[4]!;
    expect(fifth).toMatchObject({
      ok: false,
      refusal: { rule: 'breaker', tripped: true, until: T0 + 4000 + 600_000 },
    });
    if (fifth.ok) return;
    const err = sendRefusalError(fifth.refusal, T0 + 4000, T0 + 3_600_000);
    expect(err.code).toBe('RISK_BLOCKED');
    expect(err.details?.retryAfterMs).toBe(600_000);
  });

  it('refuses every send while open, then resets after the cool-down', () => {
    const tripped: BreakerState = { ...CLOSED_BREAKER, until: T0 + 600_000 };
    const during = decideSend(EMPTY_DAY, tripped, request({ amount: 1, now: T0 + 599_999 }), POLICY);
    expect(during).toMatchObject({ ok: false, refusal: { rule: 'breaker', tripped: false } });
    const after = decideSend(EMPTY_DAY, tripped, request({ amount: 888, now: T0 + 600_000 }), POLICY);
    expect(after).toMatchObject({ ok: true, breaker: { amount: 888, run: 1, until: 0 } });
  });

  it('a different amount breaks the run', () => {
    expect(run([888, 888, 888, 888, 887, 888, 888]).every((d) => d.ok)).toBe(true);
  });

  it('a run older than the window starts over', () => {
    let breaker: BreakerState = { amount: 888, run: 4, since: T0, until: 0 };
    const d = decideSend(
      EMPTY_DAY,
      breaker,
      request({ amount: 888, now: T0 + 3_600_000, verified: true }),
      POLICY,
    );
    expect(d).toMatchObject({ ok: true, breaker: { run: 1, since: T0 + 3_600_000 } });
    breaker = { amount: 888, run: 4, since: T0, until: 0 };
    const inside = decideSend(
      EMPTY_DAY,
      breaker,
      request({ amount: 888, now: T0 + 3_599_999, verified: true }),
      POLICY,
    );
    expect(inside).toMatchObject({ ok: false, refusal: { rule: 'breaker', tripped: true } });
  });

  it('rain funding never advances the run but is refused while the breaker is open', () => {
    const open: BreakerState = { ...CLOSED_BREAKER, until: T0 + 1 };
    expect(decideSend(EMPTY_DAY, open, request({ kind: 'rain' }), POLICY)).toMatchObject({
      ok: false,
      refusal: { rule: 'breaker' },
    });
  });
});

describe('grab-error cooldown', () => {
  it('cools a user down at the max failures within the window, and lets go after', () => {
    let s = NO_GRAB_FAILS;
    for (let i = 0; i < 29; i++) s = countGrabFailure(s, T0 + i * 100, POLICY);
    expect(s).toMatchObject({ count: 29, coolUntil: 0 });
    s = countGrabFailure(s, T0 + 2900, POLICY);
    expect(s.coolUntil).toBe(T0 + 2900 + 30_000);
    // While cooled, failures do not extend it.
    expect(countGrabFailure(s, T0 + 3000, POLICY)).toBe(s);
    expect(countGrabFailure(s, s.coolUntil, POLICY)).toMatchObject({ count: 1, coolUntil: 0 });
  });

  it('starts counting over once the window has passed', () => {
    let s = NO_GRAB_FAILS;
    for (let i = 0; i < 29; i++) s = countGrabFailure(s, T0, POLICY);
    s = countGrabFailure(s, T0 + 10_000, POLICY);
    expect(s).toMatchObject({ count: 1, since: T0 + 10_000, coolUntil: 0 });
  });
});

describe('account clustering', () => {
  it('is over the limit only past it, and counts each account once', () => {
    expect(joinCluster(['a', 'b'], 'c', 3)).toEqual({ members: ['a', 'b', 'c'], over: false });
    expect(joinCluster(['a', 'b', 'c'], 'd', 3)).toEqual({ members: ['a', 'b', 'c', 'd'], over: true });
    expect(joinCluster(['a', 'b', 'c'], 'a', 3).over).toBe(false);
    expect(joinCluster(['a', 'b', 'c'], 'd', 0).over).toBe(false);
  });
});

describe('client address', () => {
  it('normalizes v4-mapped addresses', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(clientAddress('203.0.113.9', '1.2.3.4', [])).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', '1.2.3.4', ['10.0.0.0/8'])).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '1.2.3.4', ['10.0.0.0/8'])).toBe('1.2.3.4');
  });

  it('takes the nearest untrusted hop, so a client cannot spoof through the proxy', () => {
    expect(clientAddress('10.0.0.5', '6.6.6.6, 1.2.3.4', ['10.0.0.0/8'])).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.5', '1.2.3.4, 10.0.0.7', ['10.0.0.0/8'])).toBe('1.2.3.4');
  });

  it('matches CIDR ranges and exact addresses', () => {
    expect(isTrusted('192.168.1.200', ['192.168.1.0/24'])).toBe(true);
    expect(isTrusted('192.168.2.1', ['192.168.1.0/24'])).toBe(false);
    expect(isTrusted('127.0.0.1', ['127.0.0.1'])).toBe(true);
  });
});

describe('client address hygiene', () => {
  it('stops at a forwarded hop that is not an address', () => {
    expect(clientAddress('10.0.0.5', '1.2.3.4, evil\tname', ['10.0.0.0/8'])).toBe('10.0.0.5');
  });
});
