/**
 * Risk control on one node: the rules of domain/risk-rules.ts applied through the risk store.
 *
 *   sends, rains   admitSend: one atomic check-and-count in the store before the money moves;
 *                  undone if the funding then fails
 *   grabs          checkGrab: local only (bans, cooldowns, received cap) — no store call;
 *                  wins are queued and written in batches (received fen, device/address
 *                  clusters), failures counted in the store (cooldown)
 *
 * Sends are not a hot path; grabs are, so nothing here adds a store round trip to a grab
 * except in the opt-in enforcing clustering mode.
 */
import { Counter, type Registry } from 'prom-client';
import type { Identity } from '../../auth/tokens.js';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import { riskDay, type RiskDay } from '../../domain/risk-day.js';
import { sendRefusalError, type RiskPolicy, type RiskRule, type SendKind } from '../../domain/risk-rules.js';
import type { Logger } from '../../observability/logger.js';
import type { ClusterHit, ClusterWin, RiskStore } from '../../store/risk/risk-store.js';
import type { ClaimRisk, ClaimVia } from './claim-risk.js';
import type { BanList, RiskBus } from './risk-bans.js';

/** Grab refusals that count towards the cooldown: probing ids, hammering closed drops. */
const FAILURE_CODES = new Set([
  'NOT_FOUND',
  'PACKET_EMPTY',
  'PACKET_EXPIRED',
  'ALREADY_GRABBED',
  'LOCKED',
  'DROP_NOT_ACTIVE',
  'RAIN_NOT_ACTIVE',
  'GRAB_CAP_REACHED',
  'NOT_IN_ROOM',
  'OUT_OF_AREA',
]);

/** How long a packet's or rain's winner clusters are kept. */
const CLUSTER_TTL_MS = 2 * 86_400_000;

export interface RiskServiceDeps {
  store: RiskStore;
  bans: BanList;
  bus: RiskBus;
  clock: Clock;
  policy: RiskPolicy;
  registry: Registry;
  log: Logger;
}

export type Outcome = 'allow' | 'refuse' | 'flag';

/** Who sends: the user, and when they signed in (the token's auth_time / iat, ms). */
export type SendGateUser = Pick<Identity, 'userId' | 'authTime'>;

/** The hook the packet and rain services call before funding (RiskService.admitSend). */
export type SendGate = (
  sender: SendGateUser,
  sendId: string,
  kind: SendKind,
  amount: number,
) => Promise<() => Promise<void>>;

export class RiskService implements ClaimRisk {
  readonly decisions: Counter<'rule' | 'outcome'>;
  private today: RiskDay;
  /** Users at the received cap, by day (local cache, fed by flushes and broadcasts). */
  private capped = new Map<string, string>();
  /** Users cooled down after failed grabs → until (local cache, fed by the store's answers). */
  private readonly cooling = new Map<string, number>();
  private received = new Map<string, number>();
  private winners = new Map<string, ClusterWin[]>();

  constructor(private readonly deps: RiskServiceDeps) {
    this.today = riskDay(deps.clock.now(), deps.policy.timeZone);
    this.decisions = new Counter({
      name: 'rp_risk_decisions_total',
      help: 'Risk control decisions, by rule and outcome (allow, refuse, flag)',
      labelNames: ['rule', 'outcome'] as const,
      registers: [deps.registry],
    });
  }

  get policy(): RiskPolicy {
    return this.deps.policy;
  }

  /** The risk day now (recomputed only when the cached one has reset). */
  day(now = this.deps.clock.now()): RiskDay {
    if (now >= this.today.resetAt || now < this.today.resetAt - 26 * 3_600_000) {
      this.today = riskDay(now, this.deps.policy.timeZone);
    }
    return this.today;
  }

  count(rule: RiskRule, outcome: Outcome): void {
    this.decisions.inc({ rule, outcome });
  }

  /** Throws FORBIDDEN for a banned caller (handshakes and HTTP). */
  checkCaller(userId: string): void {
    if (!this.deps.bans.isBanned(userId)) return;
    this.count('ban', 'refuse');
    this.deps.bans.check(userId);
  }

  /**
   * Checks and counts a send of `amount` fen (a packet, or a rain's budget) in one atomic store
   * step; throws the refusal (DAILY_LIMIT, VERIFICATION_REQUIRED, RISK_BLOCKED) having changed
   * nothing. Resolves with the undo to call if the funding then fails.
   */
  async admitSend(
    sender: SendGateUser,
    sendId: string,
    kind: SendKind,
    amount: number,
  ): Promise<() => Promise<void>> {
    const { store, clock, policy, log } = this.deps;
    this.checkCaller(sender.userId);
    const now = clock.now();
    const day = this.day(now);
    const verified = sender.authTime !== undefined && now - sender.authTime <= policy.verifyMaxAgeMs;
    const decision = await store.admitSend(
      { userId: sender.userId, sendId, kind, amount, now, day, verified },
      policy,
    );
    if (!decision.ok) {
      const { refusal } = decision;
      this.count(refusal.rule, 'refuse');
      if (refusal.rule === 'breaker' && refusal.tripped) {
        this.count('breaker', 'flag');
        await store
          .raiseFlag({
            id: `breaker:${sender.userId}:${refusal.until}`,
            rule: 'breaker',
            userIds: [sender.userId],
            evidence: { amount, repeat: policy.breakerRepeat, until: refusal.until, trippedAt: now },
            at: now,
          })
          .catch((err: unknown) =>
            log.warn({ err, userId: sender.userId }, 'could not record a breaker flag'),
          );
      }
      throw sendRefusalError(refusal, now, day.resetAt);
    }
    this.count(kind === 'rain' ? 'daily-rain-fen' : 'daily-sent-fen', 'allow');
    return () =>
      store.undoSend(sender.userId, sendId, day).catch((err: unknown) => {
        log.warn({ err, sendId }, 'could not undo a refused send in the risk counters');
      });
  }

  /** The claim gate (claim-risk.ts): checks before `claim`, accounts for its outcome after. */
  async guardClaim<T extends { amount: number }>(
    userId: string,
    sourceId: string,
    via: ClaimVia,
    claim: () => Promise<T>,
  ): Promise<T> {
    const win: ClusterWin = { userId, ip: via.ip, deviceId: via.deviceId };
    this.checkGrab(userId);
    try {
      if (this.deps.policy.clusterEnforce) await this.admitWinner(sourceId, win);
      const result = await claim();
      this.grabWon(sourceId, win, result.amount);
      return result;
    } catch (err) {
      if (err instanceof GameError) await this.grabFailed(userId, err.code);
      throw err;
    }
  }

  /** The local checks before a grab: ban, grab cooldown, daily received cap. No store call. */
  checkGrab(userId: string): void {
    if (this.deps.bans.isBanned(userId)) {
      this.count('ban', 'refuse');
      this.deps.bans.check(userId);
    }
    const now = this.deps.clock.now();
    const until = this.cooling.get(userId);
    if (until !== undefined) {
      if (until > now) {
        this.count('grab-cooldown', 'refuse');
        throw new GameError(
          'RATE_LIMITED',
          `too many failed grabs; wait ${Math.ceil((until - now) / 1000)} s`,
          {
            limit: 'grab-cooldown',
            resetAt: until,
            retryAfterMs: until - now,
          },
        );
      }
      this.cooling.delete(userId);
    }
    const day = this.day(now);
    if (this.capped.get(userId) === day.day) {
      this.count('daily-received-fen', 'refuse');
      throw new GameError(
        'DAILY_LIMIT',
        `daily limit of ${this.deps.policy.dailyMaxReceivedFen} fen received reached; resets at midnight`,
        { limit: 'daily-received-fen', resetAt: day.resetAt, retryAfterMs: day.resetAt - now },
      );
    }
  }

  /** Enforcing clustering mode: refuses a grab that would put a device or address over its limit. */
  async admitWinner(sourceId: string, win: ClusterWin): Promise<void> {
    const { policy, clock } = this.deps;
    if (!policy.clusterEnforce || (!win.ip && !win.deviceId)) return;
    const result = await this.deps.store.admitWinner(sourceId, win, policy, clock.now() + CLUSTER_TTL_MS);
    if (result.ok) return;
    const rule = result.hit.field.startsWith('device:') ? 'cluster-device' : 'cluster-ip';
    this.count(rule, 'refuse');
    await this.flagCluster(sourceId, result.hit, win.userId);
    throw new GameError(
      'FORBIDDEN',
      `too many accounts from one ${rule === 'cluster-device' ? 'device' : 'address'} in this packet`,
      { limit: rule },
    );
  }

  /** A grab paid `amount`: queue it for the received total and the clustering record. */
  grabWon(sourceId: string, win: ClusterWin, amount: number): void {
    this.received.set(win.userId, (this.received.get(win.userId) ?? 0) + amount);
    if (this.deps.policy.clusterEnforce || (!win.ip && !win.deviceId)) return;
    const list = this.winners.get(sourceId);
    if (list) list.push(win);
    else this.winners.set(sourceId, [win]);
  }

  /**
   * A grab was refused with `code`: failures count towards the cooldown (in the store), so the
   * cooldown is in force before the failure is answered. Never rejects.
   */
  async grabFailed(userId: string, code: string): Promise<void> {
    const { policy, store, clock, log } = this.deps;
    if (policy.grabFailMax === 0 || !FAILURE_CODES.has(code)) return;
    const now = clock.now();
    await store.countGrabFailure(userId, now, policy).then(
      (until) => {
        if (until > now && !this.cooling.has(userId)) this.count('grab-cooldown', 'flag');
        if (until > now) this.cooling.set(userId, until);
      },
      (err: unknown) => log.debug({ err, userId }, 'could not count a failed grab'),
    );
  }

  /** Another node saw users reach the received cap. */
  onCapped(day: string, userIds: string[]): void {
    for (const userId of userIds) this.capped.set(userId, day);
  }

  /** Writes queued received fen and winners to the store (periodic; also on shutdown). */
  async flush(): Promise<void> {
    const { store, policy, bus } = this.deps;
    const now = this.deps.clock.now();
    const day = this.day(now);
    this.forgetOldDays(day.day, now);
    const received = [...this.received].map(([userId, fen]) => ({ userId, fen }));
    const winners = [...this.winners];
    this.received = new Map();
    this.winners = new Map();
    const work: Promise<unknown>[] = [];
    if (received.length > 0) {
      work.push(
        store.addReceived(day, received, policy.dailyMaxReceivedFen).then((capped) => {
          if (capped.length === 0) return;
          this.onCapped(day.day, capped);
          bus.publishCapped(day.day, capped);
        }),
      );
    }
    for (const [sourceId, wins] of winners) {
      work.push(
        store.recordWinners(sourceId, wins, policy, now + CLUSTER_TTL_MS).then(async (hits) => {
          for (const hit of hits) await this.flagCluster(sourceId, hit);
        }),
      );
    }
    const results = await Promise.allSettled(work);
    for (const r of results) {
      if (r.status === 'rejected') this.deps.log.warn({ err: r.reason as unknown }, 'risk flush failed');
    }
  }

  private async flagCluster(sourceId: string, hit: ClusterHit, refused?: string): Promise<void> {
    const rule = hit.field.startsWith('device:') ? 'cluster-device' : 'cluster-ip';
    const [kind, ...rest] = hit.field.split(':');
    const now = this.deps.clock.now();
    this.count(rule, 'flag');
    await this.deps.store.raiseFlag({
      id: `cluster:${sourceId}:${hit.field}`,
      rule,
      userIds: hit.members,
      evidence: {
        sourceId,
        [kind === 'device' ? 'deviceId' : 'ip']: rest.join(':'),
        accounts: hit.members.length,
        limit:
          rule === 'cluster-device'
            ? this.deps.policy.maxAccountsPerDevice
            : this.deps.policy.maxAccountsPerIp,
        ...(refused ? { refused } : {}),
      },
      at: now,
    });
  }

  private forgetOldDays(today: string, now: number): void {
    for (const [userId, day] of this.capped) if (day !== today) this.capped.delete(userId);
    for (const [userId, until] of this.cooling) if (until <= now) this.cooling.delete(userId);
  }
}
