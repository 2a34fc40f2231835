/**
 * MemoryRisk: the risk store in-process. Each method runs to completion synchronously, so each
 * is atomic; the rules are domain/risk-rules.ts applied as they are (RedisRisk's Lua mirrors
 * them). Daily totals are dropped once their day has reset.
 */
import type { RiskDay } from '../../domain/risk-day.js';
import {
  CLOSED_BREAKER,
  EMPTY_DAY,
  NO_GRAB_FAILS,
  clusterFields,
  clusterLimit,
  countGrabFailure,
  decideSend,
  joinCluster,
  undoSend,
  type BreakerState,
  type DayCounters,
  type GrabFailState,
  type RiskPolicy,
  type SendDecision,
  type SendKind,
} from '../../domain/risk-rules.js';
import {
  CONTENT_STRIKES_TTL_MS,
  DAY_KEY_GRACE_MS,
  NO_STRIKES,
  type BanRecord,
  type ContentStrikes,
  type ClusterHit,
  type ClusterWin,
  type RankEntry,
  type RiskFlag,
  type RiskStore,
  type SendAdmission,
} from './risk-store.js';

interface DayState {
  resetAt: number;
  counters: Map<string, DayCounters>;
  received: Map<string, number>;
  /** Admitted sends, for idempotency and undo: sendId → user, kind, amount. */
  sends: Map<string, { userId: string; kind: SendKind; amount: number }>;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryRisk implements RiskStore {
  private readonly days = new Map<string, DayState>();
  private readonly breakers = new Map<string, BreakerState>();
  private readonly grabFails = new Map<string, GrabFailState>();
  /** sourceId → field → members, and when the source's record lapses. */
  private readonly clusters = new Map<string, { until: number; fields: Map<string, string[]> }>();
  private readonly bans = new Map<string, BanRecord>();
  private readonly flags = new Map<string, RiskFlag>();
  private readonly strikes = new Map<string, ContentStrikes>();

  private dayState(day: RiskDay, now: number): DayState {
    for (const [key, state] of this.days) {
      if (state.resetAt + DAY_KEY_GRACE_MS <= now) this.days.delete(key);
    }
    let state = this.days.get(day.day);
    if (!state) {
      state = { resetAt: day.resetAt, counters: new Map(), received: new Map(), sends: new Map() };
      this.days.set(day.day, state);
    }
    return state;
  }

  admitSend(a: SendAdmission, policy: RiskPolicy): Promise<SendDecision> {
    const state = this.dayState(a.day, a.now);
    const counters = state.counters.get(a.userId) ?? EMPTY_DAY;
    const breaker = this.breakers.get(a.userId) ?? CLOSED_BREAKER;
    if (state.sends.has(a.sendId)) return Promise.resolve({ ok: true, day: counters, breaker });
    const decision = decideSend(
      counters,
      breaker,
      { kind: a.kind, amount: a.amount, now: a.now, verified: a.verified, resetAt: a.day.resetAt },
      policy,
    );
    this.breakers.set(a.userId, decision.breaker);
    if (decision.ok) {
      state.counters.set(a.userId, decision.day);
      state.sends.set(a.sendId, { userId: a.userId, kind: a.kind, amount: a.amount });
    }
    return Promise.resolve(copy(decision));
  }

  undoSend(userId: string, sendId: string, day: RiskDay): Promise<void> {
    const state = this.days.get(day.day);
    const send = state?.sends.get(sendId);
    if (state && send && send.userId === userId) {
      state.sends.delete(sendId);
      state.counters.set(userId, undoSend(state.counters.get(userId) ?? EMPTY_DAY, send.kind, send.amount));
    }
    return Promise.resolve();
  }

  addReceived(day: RiskDay, entries: { userId: string; fen: number }[], cap: number): Promise<string[]> {
    const state = this.dayState(day, 0);
    const capped = new Set<string>();
    for (const { userId, fen } of entries) {
      const total = (state.received.get(userId) ?? 0) + fen;
      state.received.set(userId, total);
      if (cap > 0 && total >= cap) capped.add(userId);
    }
    return Promise.resolve([...capped]);
  }

  dayTotals(userId: string, day: RiskDay): Promise<DayCounters & { receivedFen: number }> {
    const state = this.days.get(day.day);
    return Promise.resolve({
      ...(state?.counters.get(userId) ?? EMPTY_DAY),
      receivedFen: state?.received.get(userId) ?? 0,
    });
  }

  topOfDay(day: RiskDay, limit: number): Promise<{ senders: RankEntry[]; receivers: RankEntry[] }> {
    const state = this.days.get(day.day);
    const rank = (entries: [string, number][]): RankEntry[] =>
      entries
        .filter(([, fen]) => fen > 0)
        .map(([userId, fen]) => ({ userId, fen }))
        .sort((a, b) => b.fen - a.fen || a.userId.localeCompare(b.userId))
        .slice(0, limit);
    return Promise.resolve({
      senders: rank([...(state?.counters ?? new Map<string, DayCounters>())].map(([u, c]) => [u, c.sentFen])),
      receivers: rank([...(state?.received ?? new Map<string, number>())]),
    });
  }

  breaker(userId: string): Promise<BreakerState> {
    return Promise.resolve(copy(this.breakers.get(userId) ?? CLOSED_BREAKER));
  }

  resetBreaker(userId: string): Promise<void> {
    this.breakers.delete(userId);
    return Promise.resolve();
  }

  countGrabFailure(userId: string, now: number, policy: RiskPolicy): Promise<number> {
    const next = countGrabFailure(this.grabFails.get(userId) ?? NO_GRAB_FAILS, now, policy);
    this.grabFails.set(userId, next);
    return Promise.resolve(next.coolUntil > now ? next.coolUntil : 0);
  }

  private source(sourceId: string, expiresAt: number): Map<string, string[]> {
    const now = Date.now();
    for (const [id, entry] of this.clusters) if (entry.until <= now) this.clusters.delete(id);
    let entry = this.clusters.get(sourceId);
    if (!entry) {
      entry = { until: expiresAt, fields: new Map() };
      this.clusters.set(sourceId, entry);
    }
    entry.until = expiresAt;
    return entry.fields;
  }

  recordWinners(
    sourceId: string,
    wins: ClusterWin[],
    policy: RiskPolicy,
    expiresAt: number,
  ): Promise<ClusterHit[]> {
    const fields = this.source(sourceId, expiresAt);
    const hits = new Map<string, string[]>();
    for (const win of wins) {
      for (const field of clusterFields(win.ip, win.deviceId)) {
        const joined = joinCluster(fields.get(field) ?? [], win.userId, clusterLimit(field, policy));
        fields.set(field, joined.members);
        if (joined.over) hits.set(field, joined.members);
      }
    }
    return Promise.resolve([...hits].map(([field, members]) => ({ field, members: [...members] })));
  }

  admitWinner(
    sourceId: string,
    win: ClusterWin,
    policy: RiskPolicy,
    expiresAt: number,
  ): Promise<{ ok: true } | { ok: false; hit: ClusterHit }> {
    const fields = this.source(sourceId, expiresAt);
    const joins = clusterFields(win.ip, win.deviceId).map((field) => ({
      field,
      ...joinCluster(fields.get(field) ?? [], win.userId, clusterLimit(field, policy)),
    }));
    const over = joins.find((j) => j.over);
    if (over) return Promise.resolve({ ok: false, hit: { field: over.field, members: over.members } });
    for (const j of joins) fields.set(j.field, j.members);
    return Promise.resolve({ ok: true });
  }

  countContentBlock(userId: string, list: string, where: string, now: number): Promise<ContentStrikes> {
    const before = this.liveStrikes(userId, now);
    const next: ContentStrikes = {
      total: before.total + 1,
      byList: { ...before.byList, [list]: (before.byList[list] ?? 0) + 1 },
      lastAt: now,
      lastList: list,
      lastWhere: where,
    };
    this.strikes.set(userId, next);
    return Promise.resolve(copy(next));
  }

  contentStrikes(userId: string): Promise<ContentStrikes> {
    return Promise.resolve(copy(this.liveStrikes(userId, Date.now())));
  }

  clearContentStrikes(userId: string): Promise<void> {
    this.strikes.delete(userId);
    return Promise.resolve();
  }

  /** The user's strikes, unless the latest is older than the TTL (as Redis expires the key). */
  private liveStrikes(userId: string, now: number): ContentStrikes {
    const s = this.strikes.get(userId);
    if (s && s.lastAt + CONTENT_STRIKES_TTL_MS > now) return s;
    this.strikes.delete(userId);
    return NO_STRIKES;
  }

  ban(record: BanRecord): Promise<void> {
    this.bans.set(record.userId, copy(record));
    return Promise.resolve();
  }

  unban(userId: string): Promise<boolean> {
    return Promise.resolve(this.bans.delete(userId));
  }

  listBans(): Promise<BanRecord[]> {
    return Promise.resolve([...this.bans.values()].map(copy));
  }

  raiseFlag(flag: RiskFlag): Promise<void> {
    this.flags.set(flag.id, copy(flag));
    return Promise.resolve();
  }

  clearFlag(id: string): Promise<boolean> {
    return Promise.resolve(this.flags.delete(id));
  }

  getFlag(id: string): Promise<RiskFlag | null> {
    const flag = this.flags.get(id);
    return Promise.resolve(flag ? copy(flag) : null);
  }

  listFlags(): Promise<RiskFlag[]> {
    return Promise.resolve([...this.flags.values()].map(copy));
  }
}
