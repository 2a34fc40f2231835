/**
 * The risk store: per-user counters and the operator's lists (bans, flags), kept apart from
 * the game Store. MemoryRisk holds them in-process; RedisRisk uses one Lua script per
 * check-and-count, so a user spreading requests over many nodes cannot pass a limit: checking
 * and counting are one atomic step, never check-then-act.
 *
 * Slots. All of one user's counters share one slot (`{rk:<bucket>}`, the bucket a hash of the
 * user id), so each per-user method is atomic; the received totals of many users in one
 * bucket are added by one script. Daily keys expire a minute after the day's reset.
 *
 * All methods may reject with StoreUnavailableError.
 */
import type {
  BreakerState,
  DayCounters,
  RiskPolicy,
  RiskRule,
  SendDecision,
  SendKind,
} from '../../domain/risk-rules.js';
import type { RiskDay } from '../../domain/risk-day.js';

export interface SendAdmission {
  userId: string;
  /** The packet or rain id: admissions are idempotent by it. */
  sendId: string;
  kind: SendKind;
  amount: number;
  now: number;
  day: RiskDay;
  verified: boolean;
}

export interface BanRecord {
  userId: string;
  reason: string;
  by: string;
  at: number;
}

export interface RiskFlag {
  /** Stable per finding (re-detecting the same cluster updates the same flag). */
  id: string;
  rule: RiskRule;
  /** The accounts involved. */
  userIds: string[];
  /** What was seen: the packet or rain, the shared device or address, amounts, times. */
  evidence: Record<string, string | number | string[]>;
  at: number;
}

export interface RankEntry {
  userId: string;
  fen: number;
}

/** A clustering finding: one device or address shared by more winners than allowed. */
export interface ClusterHit {
  /** `device:<id>` or `ip:<address>`. */
  field: string;
  members: string[];
}

/** A user's content-screening refusals (CONTENT_BLOCKED) since the operator last cleared them. */
export interface ContentStrikes {
  total: number;
  /** Refusals by word list. */
  byList: Record<string, number>;
  /** The latest refusal: when (ms epoch; 0 when none), which list, what text (chat, greeting…). */
  lastAt: number;
  lastList: string;
  lastWhere: string;
}

export const NO_STRIKES: ContentStrikes = { total: 0, byList: {}, lastAt: 0, lastList: '', lastWhere: '' };

/** A user's strikes are forgotten this long after their latest one (the flag stays). */
export const CONTENT_STRIKES_TTL_MS = 30 * 86_400_000;

export interface ClusterWin {
  userId: string;
  ip: string | undefined;
  deviceId: string | undefined;
}

export interface RiskStore {
  /**
   * Checks a send (a packet, or a rain's funding) against the user's daily totals, step-up
   * and breaker (domain/risk-rules.ts decideSend) and, if admitted, counts it — one atomic
   * step. A refusal writes nothing, except that a refusal which trips the breaker stores the
   * open breaker. Idempotent by sendId: a repeat of an admitted send answers ok again and
   * counts nothing.
   */
  admitSend(a: SendAdmission, policy: RiskPolicy): Promise<SendDecision>;

  /**
   * Takes back an admitted send whose funding failed. Idempotent; an unknown sendId is
   * ignored. (A crash between admit and undo leaves the send counted: it fails safe.)
   */
  undoSend(userId: string, sendId: string, day: RiskDay): Promise<void>;

  /**
   * Adds received fen to the users' totals for `day` (one atomic step per bucket) and returns
   * the users whose total is now at or over `cap` (none when cap is 0). Not idempotent:
   * callers add each credit once.
   */
  addReceived(day: RiskDay, entries: { userId: string; fen: number }[], cap: number): Promise<string[]>;

  /** One user's totals for a day (zeros when none). */
  dayTotals(userId: string, day: RiskDay): Promise<DayCounters & { receivedFen: number }>;

  /** The day's largest senders (packet fen) and receivers, at most `limit` each. */
  topOfDay(day: RiskDay, limit: number): Promise<{ senders: RankEntry[]; receivers: RankEntry[] }>;

  /** The user's breaker (closed when never tripped). */
  breaker(userId: string): Promise<BreakerState>;

  /** Closes a user's breaker and forgets its run (an operator's decision). Idempotent. */
  resetBreaker(userId: string): Promise<void>;

  /**
   * Counts one failed grab (domain countGrabFailure) atomically and answers until when the
   * user is cooled down (0: not cooled).
   */
  countGrabFailure(userId: string, now: number, policy: RiskPolicy): Promise<number>;

  /**
   * Records packet or rain `sourceId`'s winners by device and address and answers the fields
   * now shared by more accounts than the policy allows. Idempotent per (source, user, field).
   * Kept until `expiresAt` (ms epoch).
   */
  recordWinners(
    sourceId: string,
    wins: ClusterWin[],
    policy: RiskPolicy,
    expiresAt: number,
  ): Promise<ClusterHit[]>;

  /**
   * Enforcing mode: admits `win.userId` to `sourceId`'s clusters unless that would put a field
   * over its limit — then refuses (`hit`) and writes nothing. Atomic on the source; idempotent.
   */
  admitWinner(
    sourceId: string,
    win: ClusterWin,
    policy: RiskPolicy,
    expiresAt: number,
  ): Promise<{ ok: true } | { ok: false; hit: ClusterHit }>;

  /**
   * Counts one content-screening refusal of `userId` by `list` in `where` (chat, greeting…)
   * and answers the user's strikes including it — one atomic step, so refusals racing on many
   * nodes all count. Not idempotent: callers count each refusal once. Kept until
   * CONTENT_STRIKES_TTL_MS after the latest.
   */
  countContentBlock(userId: string, list: string, where: string, now: number): Promise<ContentStrikes>;

  /** A user's strikes (NO_STRIKES when none). */
  contentStrikes(userId: string): Promise<ContentStrikes>;

  /** Forgets a user's strikes (the operator cleared their flag). Idempotent. */
  clearContentStrikes(userId: string): Promise<void>;

  // ── the operator's lists (small; whole-list reads) ────────────────────────────────────

  /** Bans (or re-bans, replacing the record). */
  ban(record: BanRecord): Promise<void>;
  /** Lifts a ban; false if there was none. */
  unban(userId: string): Promise<boolean>;
  listBans(): Promise<BanRecord[]>;

  /** Adds or replaces a flag (by id). */
  raiseFlag(flag: RiskFlag): Promise<void>;
  /** Removes a flag; false if there was none. */
  clearFlag(id: string): Promise<boolean>;
  getFlag(id: string): Promise<RiskFlag | null>;
  listFlags(): Promise<RiskFlag[]>;
}

/** The bucket a user's counters live in (a stable hash of the id). */
export const RISK_BUCKETS = 64;

export function riskBucket(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % RISK_BUCKETS;
}

/** Daily keys outlive the day by this much, so a reset never races the expiry. */
export const DAY_KEY_GRACE_MS = 60_000;
