/**
 * Rains as users meet them: schedule (fund + create), grab a drop, cancel, details, and the
 * room snapshot's view. The RainRunner drives the timeline; both end a rain through finish().
 */
import type { RainDetails, RainSnapshot, RainView, UserRef } from '@red-packet/sdk/protocol';
import type { RainSpec } from '@red-packet/sdk/schemas';
import type { Identity } from '../../auth/tokens.js';
import type { Clock } from '../../domain/clock.js';
import { GameError, notInRoom } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import {
  checkRainLimits,
  defaultGrabCap,
  rainStartAt,
  splitRain,
  type RainLimits,
} from '../../domain/rain-rules.js';
import { newRainSeed, rainTimeline, type DropPlan } from '../../domain/rain-timeline.js';
import { seedCommitment, splitRandomInt } from '../../domain/rain-fairness.js';
import type { Metrics } from '../../observability/metrics.js';
import type { ActiveDrop, Credit, EndRainOutcome, RainRecord, Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { GoneBatcher } from './gone-batcher.js';
import type { LotteryWaiter } from './lottery-waiter.js';
import type { DropBatches } from './drop-batches.js';
import type { RainGate } from './rain-gate.js';
import { rainRows } from '../../store/ledger/index.js';
import { creditLedgerRows, type Payments } from '../money/payments.js';
import type { ClaimRisk, ClaimVia } from '../risk/claim-risk.js';
import type { SendGate } from '../risk/risk-service.js';
import { DropGrabs } from './drop-grabs.js';
import { dropView, rainView } from './rain-views.js';

/** Leaderboard entries in `rain:ended` and GET /v1/rains/:id. */
const LEADERBOARD_SIZE = 10;
/** Remembered per-node facts (rain → room, timelines) before they are dropped. */
const CACHE_LIMIT = 10_000;

/** A room's rain as every member sees it (RainService.roomRain), read once for many joins. */
export interface RoomRain {
  rain: RainRecord;
  /** Drops whose window was open when it was read. */
  active: ActiveDrop[];
}

export interface RainServiceDeps {
  store: Store;
  clock: Clock;
  broadcaster: Broadcaster;
  payments: Payments;
  gone: GoneBatcher;
  metrics: Metrics;
  limits: RainLimits;
  /** Risk control: checks and counts a rain's funding first (RiskService.admitSend). */
  admitSend?: SendGate;
  /** Risk control: the gate every drop claim passes (RiskService.guardClaim). */
  claimRisk: ClaimRisk;
  /** Called when this node learns a drop ran out (to tell the other nodes). */
  onGone?: (rainId: string, dropId: string) => void;
  waiter: LotteryWaiter;
  /** The node's tap gate (taps decided without the store) and its lottery batches. */
  gate: RainGate;
  batches: DropBatches;
  /** How long after a lottery window closes the driver draws (RAIN_BATCH_GRACE_MS), ms. */
  batchGraceMs: number;
  /** Where rain seeds come from. @default newRainSeed (32 random bytes) */
  newSeed?: () => string;
}

export class RainService {
  private readonly rooms = new Map<string, string>();
  private readonly timelines = new Map<string, DropPlan[]>();
  /** Drop grabs after the gate and the room check, and the drops known empty. */
  private readonly drops: DropGrabs;

  constructor(private readonly deps: RainServiceDeps) {
    this.drops = new DropGrabs({ ...deps, roomOf: (rainId) => this.roomOf(rainId) });
  }

  /**
   * Funds a rain from the host's wallet and schedules it in `roomId`. Without the host's
   * maxGrabsPerUser the cap comes from the room's members now (domain/rain-rules.ts
   * defaultGrabCap).
   */
  async schedule(host: Identity, roomId: string, spec: RainSpec): Promise<RainView> {
    const { store, clock, limits } = this.deps;
    checkRainLimits(spec, host.role, limits);
    const cap = spec.maxGrabsPerUser ?? defaultGrabCap(spec, await store.rooms.memberCount(roomId));
    const now = clock.now();
    const seed = (this.deps.newSeed ?? newRainSeed)();
    const rain: RainRecord = {
      id: newId('rn'), // RAIN_ID_PREFIX
      roomId,
      hostId: host.userId,
      hostName: host.name,
      total: spec.total,
      drops: spec.drops,
      sharesPerDrop: spec.sharesPerDrop,
      split: spec.split,
      startAt: rainStartAt(spec, now),
      durationMs: spec.durationMs,
      dropTtlMs: spec.dropTtlMs,
      maxGrabsPerUser: cap,
      mode: spec.mode,
      windowMs: spec.windowMs,
      reactionFloorMs: spec.reactionFloorMs,
      maxTapsPerSec: spec.maxTapsPerSec,
      seed,
      seedHash: seedCommitment(seed),
      createdAt: now,
      status: 'scheduled',
      released: 0,
      lastReleaseAt: 0,
      paid: 0,
      grabs: 0,
      refunded: 0,
      remainingAmount: spec.total,
      endedAt: null,
      leaseOwner: null,
      leaseUntil: 0,
      drawn: 0,
    };
    const timeline = this.timeline(rain);
    // Amounts derive from the seed too, so a replay can recompute them (docs/fairness.md).
    const shares = splitRain(spec, splitRandomInt(seed));
    const drops = timeline.map((plan, i) => ({ dropId: plan.dropId, shares: shares[i] ?? [] }));
    const undoRisk = await this.deps.admitSend?.(host, rain.id, 'rain', rain.total);
    try {
      await this.deps.payments.fund(
        host.userId,
        rain.id,
        rain.total,
        () => store.rains.createRain(rain, drops),
        () => rainRows(rain, drops),
      );
    } catch (err) {
      await undoRisk?.();
      throw err;
    }
    this.remember(this.rooms, rain.id, roomId);
    const view = rainView(rain);
    this.deps.broadcaster.toRoom(roomId, 'rain:scheduled', { rain: view, serverTime: clock.now() });
    return view;
  }

  /** The room a rain falls in (NOT_FOUND if there is no such rain). */
  async roomOf(rainId: string): Promise<string> {
    const known = this.rooms.get(rainId);
    if (known) return known;
    const rain = await this.deps.store.rains.getRain(rainId);
    if (!rain) throw new GameError('NOT_FOUND', 'no such rain');
    this.remember(this.rooms, rainId, rain.roomId);
    return rain.roomId;
  }

  /**
   * Grabs one share of a falling drop: once per (drop, user), within the window, the tap limit
   * and the cap. Lottery drops take a ticket inside their window and answer when it is drawn
   * (the amount won, or LOTTERY_LOST). A drop this node knows is empty is refused without a
   * store call. Every drop claim passes the risk gate (services/risk/claim-risk.ts) and, with
   * `via.inRoom`, the room check.
   */
  grab(user: UserRef, rainId: string, dropId: string, via: ClaimVia = {}): Promise<{ amount: number }> {
    return this.deps.claimRisk.guardClaim(user.userId, rainId, via, async () => {
      // Before the rain is read: a fenced node's Redis may not hold it yet (a restore).
      this.deps.payments.ensureLedger();
      if (via.inRoom) {
        const roomId = await this.roomOf(rainId);
        if (!via.inRoom(roomId)) throw notInRoom(roomId);
      }
      return this.drops.grab(user, rainId, dropId);
    });
  }

  /**
   * Hands this node's due lottery batches (and race drops' log samples) to the store: one call
   * per drop (every runner tick, before the driver draws).
   */
  handInBatches(now: number): Promise<void> {
    return this.deps.batches.handIn(now);
  }

  /** Lottery tickets this node holds in batches it has not handed in yet. */
  get ticketsHeld(): number {
    return this.deps.batches.tickets;
  }

  /** Answers lottery grabs waiting on this node whose drop has been drawn (every runner tick). */
  pollDraws(now: number): Promise<void> {
    return this.deps.waiter.poll(now);
  }

  /** The driver released `dropIds` at `at`: this node's gate knows them without a store read. */
  learnReleased(rain: RainRecord, dropIds: readonly string[], at: number): void {
    this.deps.gate.learnReleased(rain, dropIds, at);
  }

  /**
   * Pays a drop's draw (the driver drew it) and announces it if it emptied the drop. The
   * winners' claims are committed before their tickets here are answered; if that fails
   * the tickets wait for the waiter's poll, which commits them again (LotteryWaiter confirm),
   * and the credits wait in the outbox for the reconciler.
   */
  async payDraw(rain: RainRecord, dropId: string, credits: Credit[], dropLeft: number): Promise<void> {
    const { payments, waiter } = this.deps;
    if (dropLeft === 0) await this.drops.markGone(rain.id, dropId);
    await payments.record(credits.flatMap(creditLedgerRows));
    waiter.settle(
      rain.id,
      dropId,
      credits.map((c) => ({ userId: c.userId, amount: c.amount })),
    );
    await Promise.all(credits.map((c) => payments.pay(c, { committed: true })));
  }

  /** Stops a rain at once and refunds what was not paid: its host or an admin only. */
  async cancel(user: Identity, rainId: string): Promise<{ refunded: number }> {
    const rain = await this.deps.store.rains.getRain(rainId);
    if (!rain) throw new GameError('NOT_FOUND', 'no such rain');
    if (rain.hostId !== user.userId && user.role !== 'admin')
      throw new GameError('FORBIDDEN', 'only its host or an admin can cancel a rain');
    const outcome = await this.deps.store.rains.endRain(rainId, this.deps.clock.now(), 'cancelled');
    if (outcome.status !== 'ended') throw new GameError('RAIN_NOT_ACTIVE', 'the rain is already over');
    await this.finish(outcome, 'wait');
    return { refunded: outcome.rain.refunded };
  }

  /**
   * Pays the refund of a rain that just ended and announces the end with the leaderboard.
   * `commit`: `wait` rejects (after the announcement) if the refund's ledger commit failed,
   * for an acknowledged cancel; `later` (the runner) logs it. Either way the reconciler pays
   * a refund whose commit failed from the outbox.
   */
  async finish(
    outcome: Extract<EndRainOutcome, { status: 'ended' }>,
    commit: 'wait' | 'later' = 'later',
  ): Promise<void> {
    const { rain, refund, winners } = outcome;
    const { payments } = this.deps;
    this.deps.gate.forget(rain.id);
    const paid = refund ? payments.pay(refund) : Promise.resolve();
    paid.catch(() => undefined);
    const leaderboard = await this.deps.store.rains.rainLeaderboard(rain.id, LEADERBOARD_SIZE);
    this.deps.broadcaster.toRoom(rain.roomId, 'rain:ended', {
      rainId: rain.id,
      roomId: rain.roomId,
      reason: rain.status === 'cancelled' ? 'cancelled' : 'finished',
      totals: { paid: rain.paid, refunded: rain.refunded, grabs: rain.grabs, winners },
      leaderboard,
      seed: rain.seed,
    });
    // `later`: a failed commit was logged by the ledger gate; the reconciler pays it.
    if (commit === 'wait') await paid;
    else await paid.catch(() => undefined);
  }

  async details(rainId: string): Promise<RainDetails> {
    const [rain, board] = await Promise.all([
      this.deps.store.rains.getRain(rainId),
      this.deps.store.rains.rainLeaderboard(rainId, Number.MAX_SAFE_INTEGER),
    ]);
    if (!rain) throw new GameError('NOT_FOUND', 'no such rain');
    return {
      rain: rainView(rain),
      totals: { paid: rain.paid, refunded: rain.refunded, grabs: rain.grabs, winners: board.length },
      leaderboard: board.slice(0, LEADERBOARD_SIZE),
    };
  }

  /**
   * What every member of `roomId` sees of its rain (the running one, else the latest): the
   * rain and the drops falling at the time of the read. Null if the room has none.
   */
  async roomRain(roomId: string): Promise<RoomRain | null> {
    const rains = await this.deps.store.rains.listRoomRains(roomId);
    const rain = rains.find((r) => r.status === 'running') ?? rains[0];
    if (!rain) return null;
    const at = this.deps.clock.now();
    return { rain, active: await this.deps.store.rains.activeDrops(rain.id, at) };
  }

  /** A room's rain as `userId` sees it in a join snapshot (with their grabs so far). */
  async snapshot(shared: RoomRain, userId: string): Promise<RainSnapshot> {
    const { rain, active } = shared;
    const mine = await this.deps.store.rains.rainUserStats(rain.id, userId);
    const now = this.deps.clock.now();
    const plans = new Map(this.timeline(rain).map((p) => [p.dropId, p]));
    return {
      rain: rainView(rain),
      mine,
      drops: active.flatMap((d) => {
        const ttlMs = d.releasedAt + rain.dropTtlMs - now;
        const plan = plans.get(d.dropId);
        return plan && ttlMs > 0 ? [dropView(plan, d.shares, ttlMs)] : [];
      }),
    };
  }

  /** The rain's drop timeline (derived from its seed once per node). */
  timeline(rain: RainRecord): DropPlan[] {
    let plans = this.timelines.get(rain.id);
    if (!plans) {
      plans = rainTimeline(rain.seed, rain.drops, rain.durationMs);
      this.remember(this.timelines, rain.id, plans);
    }
    return plans;
  }

  /** What another node learned: later grabs of the drop here are refused without the store. */
  learnGone(rainId: string, dropId: string): void {
    this.drops.learnGone(rainId, dropId);
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= CACHE_LIMIT) map.clear();
    map.set(key, value);
  }
}
