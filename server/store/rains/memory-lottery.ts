/**
 * LotteryStore in memory: works on MemoryRains' state in the same process; each method runs
 * to completion synchronously, so each is atomic. Mirrors rain-enter.lua and rain-draw.lua
 * rule for rule (the contract suite checks both).
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import { dropWindowOpen, isRainActive, lotteryWindow, tapWindowStart } from '../../domain/rain-rules.js';
import { recordClaim, type MemoryRains, type RainState } from './memory-rains.js';
import type { Credit } from '../wallets/wallet-store.js';
import {
  GRAB_LOG_CAP,
  type DrawOutcome,
  type DrawState,
  type EnterOutcome,
  type GrabLogEntry,
  type LotteryStore,
  type RainTrail,
  type Ticket,
  type TapOutcome,
} from './lottery-store.js';

interface FairState {
  /** dropId → its index in the timeline. */
  index: Map<string, number>;
  /** dropId → tickets in the order taken. */
  tickets: Map<string, Ticket[]>;
  /** dropId → the draw's (winner, amount) list. */
  draws: Map<string, { userId: string; amount: number }[]>;
  /** userId → taps counted in the one-second window starting at `from`. */
  taps: Map<string, { from: number; count: number }>;
  log: GrabLogEntry[];
}

const copy = <T>(value: T): T => structuredClone(value);

/** Whether `userId`'s wins in the rain have reached its maxGrabsPerUser (null: no cap). */
const atCap = (rain: RainState, userId: string): boolean =>
  rain.record.maxGrabsPerUser !== null && (rain.board.get(userId)?.grabs ?? 0) >= rain.record.maxGrabsPerUser;

export class MemoryLottery implements LotteryStore {
  private readonly fair = new Map<string, FairState>();

  constructor(private readonly rains: MemoryRains) {}

  private stateOf(rainId: string): FairState {
    let s = this.fair.get(rainId);
    if (!s) {
      const order = this.rains.state(rainId)?.order ?? [];
      const index = new Map(order.map((id, i) => [id, i]));
      s = { index, tickets: new Map(), draws: new Map(), taps: new Map(), log: [] };
      this.fair.set(rainId, s);
    }
    return s;
  }

  enterDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<EnterOutcome> {
    return Promise.resolve(this.enter(rainId, dropId, user, now));
  }

  private enter(rainId: string, dropId: string, user: UserRef, now: number): EnterOutcome {
    const rain = this.rains.state(rainId);
    if (!rain) return { status: 'missing' };
    const r = rain.record;
    if (r.status !== 'running') return { status: 'rain-inactive' };
    const fair = this.stateOf(rainId);
    const from = tapWindowStart(now);
    const taps = fair.taps.get(user.userId);
    const count = taps?.from === from ? taps.count : 0;
    const drop = rain.drops.get(dropId);
    const index = fair.index.get(dropId) ?? -1;
    const log = (outcome: TapOutcome): void => {
      if (drop && fair.log.length < GRAB_LOG_CAP)
        fair.log.push({ userId: user.userId, dropIndex: index, reactionMs: now - drop.releasedAt, outcome });
    };
    if (count >= r.maxTapsPerSec) {
      if (drop && drop.releasedAt > 0) log('rate');
      return { status: 'rate', retryAt: from + 1_000 };
    }
    fair.taps.set(user.userId, { from, count: count + 1 });
    if (!drop || !dropWindowOpen(drop.releasedAt, r.dropTtlMs, now)) return { status: 'drop-inactive' };
    if (r.mode !== 'lottery') {
      log('tap');
      return { status: 'pass' };
    }
    const { opensAt, closesAt } = lotteryWindow(drop.releasedAt, r);
    if (fair.draws.has(dropId)) {
      log('tap');
      return { status: 'pass' };
    }
    if (now < opensAt) {
      log('early');
      return { status: 'early', opensAt };
    }
    if (now >= closesAt) {
      log('tap');
      return { status: 'drawing', closeAt: closesAt };
    }
    const tickets = fair.tickets.get(dropId) ?? [];
    if (tickets.some((t) => t.userId === user.userId)) return { status: 'already' };
    if (atCap(rain, user.userId)) {
      log('tap');
      return { status: 'cap' };
    }
    tickets.push({ userId: user.userId, name: user.name, at: now });
    fair.tickets.set(dropId, tickets);
    log('ticket');
    return { status: 'ticket', closeAt: closesAt };
  }

  dropTickets(rainId: string, dropId: string): Promise<{ releasedAt: number; tickets: Ticket[] } | null> {
    const drop = this.rains.state(rainId)?.drops.get(dropId);
    if (!drop || drop.releasedAt === 0) return Promise.resolve(null);
    const tickets = this.fair.get(rainId)?.tickets.get(dropId) ?? [];
    return Promise.resolve({ releasedAt: drop.releasedAt, tickets: copy(tickets) });
  }

  drawDrop(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    ticketCount: number,
    order: readonly string[],
    now: number,
  ): Promise<DrawOutcome> {
    try {
      return Promise.resolve(this.draw(rainId, nodeId, from, dropId, ticketCount, order, now));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private draw(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    ticketCount: number,
    order: readonly string[],
    now: number,
  ): DrawOutcome {
    const rain = this.rains.state(rainId);
    if (!rain || !isRainActive(rain.record)) return { ok: false, reason: 'closed' };
    const r = rain.record;
    if (r.leaseOwner !== nodeId) return { ok: false, reason: 'lease-lost' };
    if (r.drawn !== from) return { ok: false, reason: 'cursor-moved' };
    const drop = rain.drops.get(dropId);
    if (rain.order[from] !== dropId || !drop)
      throw new Error(`drop ${dropId} is not drop #${from} of ${rainId}`);
    if (drop.releasedAt === 0 || now < lotteryWindow(drop.releasedAt, r).closesAt)
      return { ok: false, reason: 'not-closed' };
    const fair = this.stateOf(rainId);
    const tickets = fair.tickets.get(dropId) ?? [];
    if (tickets.length !== ticketCount) return { ok: false, reason: 'tickets-moved' };
    // Check the order before changing anything: a bad list changes nothing.
    const holders = new Map(tickets.map((t) => [t.userId, t]));
    if (order.length !== tickets.length) throw new Error(`the draw order of ${dropId} is not its tickets`);
    const seen = new Set<string>();
    for (const userId of order) {
      if (!holders.has(userId) || seen.has(userId)) throw new Error(`${userId} holds no ticket to win`);
      seen.add(userId);
    }
    const paid: { userId: string; amount: number }[] = [];
    const credits: Credit[] = [];
    for (const userId of order) {
      const holder = holders.get(userId);
      if (drop.shares.length === 0) break;
      if (!holder || atCap(rain, userId)) continue;
      const amount = drop.shares.pop() ?? 0;
      paid.push({ userId, amount });
      credits.push(copy(recordClaim(rain, dropId, { userId, name: holder.name }, amount, now)));
    }
    fair.draws.set(dropId, paid);
    r.drawn += 1;
    return { ok: true, credits, dropLeft: drop.shares.length };
  }

  dropDraw(rainId: string, dropId: string): Promise<DrawState> {
    const winners = this.fair.get(rainId)?.draws.get(dropId);
    if (winners) return Promise.resolve({ state: 'drawn', winners: copy(winners) });
    const r = this.rains.state(rainId)?.record;
    return Promise.resolve(r && isRainActive(r) ? { state: 'open' } : { state: 'closed' });
  }

  rainTrail(rainId: string): Promise<RainTrail | null> {
    const rain = this.rains.state(rainId);
    if (!rain) return Promise.resolve(null);
    const fair = this.fair.get(rainId);
    const drops = rain.order.map((dropId, index) => ({
      index,
      dropId,
      releasedAt: rain.drops.get(dropId)?.releasedAt ?? 0,
      tickets: (fair?.tickets.get(dropId) ?? []).map((t) => t.userId),
      winners: copy(fair?.draws.get(dropId) ?? null),
    }));
    const claims = [...rain.claims].map(([key, amount]) => {
      const [dropId = '', userId = ''] = key.split('\n');
      return { dropId, userId, amount };
    });
    return Promise.resolve({ drops, claims, log: copy(fair?.log ?? []) });
  }
}
