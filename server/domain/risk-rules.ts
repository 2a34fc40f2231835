/**
 * Risk rules, pure: each takes the current counters, the request and the policy, and answers a
 * decision plus the counters to store. MemoryRisk applies them as they are; the Lua scripts of
 * RedisRisk mirror them rule for rule (the risk contract suite checks both). docs/operations.md
 * gives each default and its published source.
 *
 * Order of the send checks (the first that refuses wins; a refusal stores nothing except a
 * breaker trip, which *is* the refusal's effect):
 *   breaker open → daily sends → daily sent fen → step-up → identical-amount run (may trip)
 * Rain funding: breaker open → daily rain fen.
 */
import { GameError } from './errors.js';

/** The configurable policy (config.risk). A limit of 0 turns its rule off. */
export interface RiskPolicy {
  /** IANA zone whose midnight resets the daily totals. @default 'Asia/Shanghai' */
  timeZone: string;
  /** Packets one user may send a day. @default 100 */
  dailyMaxSends: number;
  /** Fen one user may put into packets a day. @default 1000000 (¥10,000) */
  dailyMaxSentFen: number;
  /** Fen one user may receive from grabs a day. @default 100000 (¥1,000) */
  dailyMaxReceivedFen: number;
  /** Fen one user may fund into rains a day. @default 10000000 (¥100,000) */
  dailyMaxRainFen: number;
  /** Sends a day allowed before a fresh sign-in is required. @default 5 */
  verifyAfterSends: number;
  /** How recent a sign-in counts as fresh for step-up, ms. @default 300000 */
  verifyMaxAgeMs: number;
  /** Identical amounts in a row that trip the breaker. @default 5 */
  breakerRepeat: number;
  /** The run counts only while it started within this window, ms. @default 3600000 */
  breakerWindowMs: number;
  /** How long a tripped breaker pauses the sender, ms. @default 600000 */
  breakerCooldownMs: number;
  /** Failed grabs within the window that start a cooldown. @default 30 */
  grabFailMax: number;
  /** @default 10000 */
  grabFailWindowMs: number;
  /** @default 30000 */
  grabCooldownMs: number;
  /** Winners of one packet or rain from one device before a flag. @default 3 */
  maxAccountsPerDevice: number;
  /** Winners of one packet or rain from one address before a flag. @default 10 */
  maxAccountsPerIp: number;
  /** Refuse the grabs of accounts past those numbers (instead of only flagging). @default false */
  clusterEnforce: boolean;
}

export type RiskRule =
  | 'daily-sends'
  | 'daily-sent-fen'
  | 'daily-received-fen'
  | 'daily-rain-fen'
  | 'step-up'
  | 'breaker'
  | 'grab-cooldown'
  | 'ban'
  | 'cluster-device'
  | 'cluster-ip'
  | 'content-blocked'
  /** Repeated claims from outside one location-fenced packet's fence (services/fences/fence-audit.ts). */
  | 'fence-probe';

/** One user's totals for one risk day. */
export interface DayCounters {
  sends: number;
  sentFen: number;
  rainFen: number;
}

/** One sender's identical-amount run and breaker. */
export interface BreakerState {
  /** Amount of the current run (0: none). */
  amount: number;
  /** Sends in the run. */
  run: number;
  /** When the run started, ms. */
  since: number;
  /** The breaker is open (sends refused) until this time, ms; 0 when closed. */
  until: number;
}

export const EMPTY_DAY: DayCounters = { sends: 0, sentFen: 0, rainFen: 0 };
export const CLOSED_BREAKER: BreakerState = { amount: 0, run: 0, since: 0, until: 0 };

export type SendKind = 'packet' | 'rain';

export interface SendRequest {
  kind: SendKind;
  /** Fen: the packet's total or the rain's budget. */
  amount: number;
  now: number;
  /** The sender signed in within verifyMaxAgeMs (step-up satisfied). */
  verified: boolean;
  /** When today's totals reset (riskDay). */
  resetAt: number;
}

export type SendRefusal =
  | { rule: 'breaker'; until: number; tripped: boolean }
  | { rule: 'daily-sends' | 'daily-sent-fen' | 'daily-rain-fen'; used: number; cap: number }
  | { rule: 'step-up'; sends: number };

export type SendDecision =
  | { ok: true; day: DayCounters; breaker: BreakerState }
  /** `breaker` is the state to store (changed only when the refusal trips it). */
  | { ok: false; refusal: SendRefusal; breaker: BreakerState };

/** Decides one send (packet or rain funding) against the user's counters. */
export function decideSend(
  day: DayCounters,
  breaker: BreakerState,
  req: SendRequest,
  p: RiskPolicy,
): SendDecision {
  const { now, amount } = req;
  if (breaker.until > now) {
    return { ok: false, refusal: { rule: 'breaker', until: breaker.until, tripped: false }, breaker };
  }
  if (req.kind === 'rain') {
    if (p.dailyMaxRainFen > 0 && day.rainFen + amount > p.dailyMaxRainFen) {
      const refusal = { rule: 'daily-rain-fen' as const, used: day.rainFen, cap: p.dailyMaxRainFen };
      return { ok: false, refusal, breaker };
    }
    return { ok: true, day: { ...day, rainFen: day.rainFen + amount }, breaker };
  }
  if (p.dailyMaxSends > 0 && day.sends + 1 > p.dailyMaxSends) {
    return { ok: false, refusal: { rule: 'daily-sends', used: day.sends, cap: p.dailyMaxSends }, breaker };
  }
  if (p.dailyMaxSentFen > 0 && day.sentFen + amount > p.dailyMaxSentFen) {
    const refusal = { rule: 'daily-sent-fen' as const, used: day.sentFen, cap: p.dailyMaxSentFen };
    return { ok: false, refusal, breaker };
  }
  if (p.verifyAfterSends > 0 && day.sends >= p.verifyAfterSends && !req.verified) {
    return { ok: false, refusal: { rule: 'step-up', sends: day.sends }, breaker };
  }
  const next = extendRun(breaker, amount, now, p);
  if (p.breakerRepeat > 0 && next.run >= p.breakerRepeat) {
    const tripped: BreakerState = { amount: 0, run: 0, since: 0, until: now + p.breakerCooldownMs };
    return { ok: false, refusal: { rule: 'breaker', until: tripped.until, tripped: true }, breaker: tripped };
  }
  return { ok: true, day: { ...day, sends: day.sends + 1, sentFen: day.sentFen + amount }, breaker: next };
}

/** The run after a send of `amount`: one longer if it repeats the amount within the window. */
function extendRun(b: BreakerState, amount: number, now: number, p: RiskPolicy): BreakerState {
  if (b.amount === amount && b.run > 0 && now - b.since < p.breakerWindowMs) {
    return { amount, run: b.run + 1, since: b.since, until: 0 };
  }
  return { amount, run: 1, since: now, until: 0 };
}

/** Undoes an admitted send whose funding failed (the counters only; a run is not rewound). */
export function undoSend(day: DayCounters, kind: SendKind, amount: number): DayCounters {
  return kind === 'rain'
    ? { ...day, rainFen: Math.max(0, day.rainFen - amount) }
    : { ...day, sends: Math.max(0, day.sends - 1), sentFen: Math.max(0, day.sentFen - amount) };
}

/** Grab-failure window: `count` failures since `since`; a cooldown once it reaches the max. */
export interface GrabFailState {
  count: number;
  since: number;
  coolUntil: number;
}

export const NO_GRAB_FAILS: GrabFailState = { count: 0, since: 0, coolUntil: 0 };

/** Counts one failed grab; the returned state's coolUntil > now means the user is cooled down. */
export function countGrabFailure(s: GrabFailState, now: number, p: RiskPolicy): GrabFailState {
  if (s.coolUntil > now) return s;
  const fresh = now - s.since >= p.grabFailWindowMs;
  const count = (fresh ? 0 : s.count) + 1;
  const since = fresh ? now : s.since;
  if (p.grabFailMax > 0 && count >= p.grabFailMax) {
    return { count: 0, since: 0, coolUntil: now + p.grabCooldownMs };
  }
  return { count, since, coolUntil: 0 };
}

/** The account-clustering dimensions one winner is counted in: device id and address. */
export function clusterFields(ip: string | undefined, deviceId: string | undefined): string[] {
  const fields: string[] = [];
  if (deviceId) fields.push(`device:${deviceId}`);
  if (ip) fields.push(`ip:${ip}`);
  return fields;
}

/** The most accounts allowed per clustering field (`device:…` or `ip:…`); 0 = no limit. */
export function clusterLimit(field: string, p: RiskPolicy): number {
  return field.startsWith('device:') ? p.maxAccountsPerDevice : p.maxAccountsPerIp;
}

/** Adds `userId` to a field's members; the result and whether it is now over the limit. */
export function joinCluster(
  members: readonly string[],
  userId: string,
  limit: number,
): { members: string[]; over: boolean } {
  const next = members.includes(userId) ? [...members] : [...members, userId];
  return { members: next, over: limit > 0 && next.length > limit };
}

const seconds = (ms: number): string => `${Math.ceil(ms / 1000)} s`;

/** The GameError a send refusal answers with: which limit, when it resets, when to retry. */
export function sendRefusalError(r: SendRefusal, now: number, resetAt: number): GameError {
  switch (r.rule) {
    case 'breaker':
      return new GameError(
        'RISK_BLOCKED',
        r.tripped
          ? `too many packets with the same amount in a row; sending is paused for ${seconds(r.until - now)}`
          : `sending is paused by risk control for ${seconds(r.until - now)}`,
        { limit: 'breaker', resetAt: r.until, retryAfterMs: r.until - now },
      );
    case 'step-up':
      return new GameError(
        'VERIFICATION_REQUIRED',
        `you have sent ${r.sends} packets today; sign in again to confirm it is you, then retry`,
        { limit: 'step-up' },
      );
    case 'daily-sends':
    case 'daily-sent-fen':
    case 'daily-rain-fen': {
      const what =
        r.rule === 'daily-sends'
          ? `${r.cap} packets a day`
          : `${r.cap} fen a day${r.rule === 'daily-rain-fen' ? ' of rain budget' : ''}`;
      return new GameError(
        'DAILY_LIMIT',
        `daily limit of ${what} reached (used ${r.used}); resets at midnight`,
        {
          limit: r.rule,
          resetAt,
          retryAfterMs: resetAt - now,
        },
      );
    }
  }
}
