/**
 * LotteryStore in memory: works on MemoryRains' state in the same process; each method runs
 * to completion synchronously, so each is atomic. Mirrors rain-batch.lua and rain-draw.lua
 * rule for rule (the contract suite checks both).
 */
import { byScore, canonicalList } from '../../domain/rain-lottery.js';
import { isRainActive, lotteryWindow } from '../../domain/rain-rules.js';
import { recordClaim, type MemoryRains, type RainState } from './memory-rains.js';
import type { Credit } from '../wallets/wallet-store.js';
import {
  GRAB_LOG_CAP,
  type BatchOutcome,
  type DrawOutcome,
  type DrawState,
  type DropBatch,
  type GrabLogEntry,
  type LotteryStore,
  type RainTrail,
} from './lottery-store.js';

interface DropFair {
  /** nodeId → what it handed in. */
  batches: Map<string, { digest: string; count: number; candidates: number; tickets: string[] }>;
  /** userId → candidate (one per user across nodes). */
  candidates: Map<string, { userId: string; name: string; score: number }>;
}

interface FairState {
  drops: Map<string, DropFair>;
  /** dropId → the draw's (winner, amount) list. */
  draws: Map<string, { userId: string; amount: number }[]>;
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
      s = { drops: new Map(), draws: new Map(), log: [] };
      this.fair.set(rainId, s);
    }
    return s;
  }

  private dropOf(fair: FairState, dropId: string): DropFair {
    let d = fair.drops.get(dropId);
    if (!d) {
      d = { batches: new Map(), candidates: new Map() };
      fair.drops.set(dropId, d);
    }
    return d;
  }

  submitBatch(rainId: string, dropId: string, batch: DropBatch): Promise<BatchOutcome> {
    const rain = this.rains.state(rainId);
    if (!rain) return Promise.resolve({ status: 'missing' });
    const drop = rain.drops.get(dropId);
    if (!drop || drop.releasedAt === 0) return Promise.resolve({ status: 'missing' });
    const fair = this.stateOf(rainId);
    const appendLog = (): void => {
      for (const entry of batch.log) {
        if (fair.log.length >= GRAB_LOG_CAP) break;
        fair.log.push({ ...entry });
      }
    };
    if (!isRainActive(rain.record)) {
      // A race drop's log, handed in as the rain ended with its last drop: still logged.
      if (batch.tickets.length === 0 && batch.candidates.length === 0) appendLog();
      return Promise.resolve({ status: 'closed' });
    }
    if (fair.draws.has(dropId)) return Promise.resolve({ status: 'drawn' });
    const d = this.dropOf(fair, dropId);
    if (d.batches.has(batch.nodeId)) return Promise.resolve({ status: 'duplicate' });
    d.batches.set(batch.nodeId, {
      digest: batch.digest,
      count: batch.tickets.length,
      candidates: batch.candidates.length,
      tickets: [...batch.tickets],
    });
    for (const c of batch.candidates) d.candidates.set(c.userId, { ...c });
    appendLog();
    return Promise.resolve({ status: 'accepted' });
  }

  drawDrop(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    graceMs: number,
    now: number,
  ): Promise<DrawOutcome> {
    try {
      return Promise.resolve(this.draw(rainId, nodeId, from, dropId, graceMs, now));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private draw(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    graceMs: number,
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
    if (drop.releasedAt === 0) return { ok: false, reason: 'not-closed', drawAt: 0 };
    const drawAt = lotteryWindow(drop.releasedAt, r).closesAt + graceMs;
    if (now < drawAt) return { ok: false, reason: 'not-closed', drawAt };
    const fair = this.stateOf(rainId);
    const candidates = byScore([...(fair.drops.get(dropId)?.candidates.values() ?? [])]);
    const paid: { userId: string; amount: number }[] = [];
    const credits: Credit[] = [];
    for (const c of candidates) {
      if (drop.shares.length === 0) break;
      if (atCap(rain, c.userId)) continue;
      const amount = drop.shares.pop() ?? 0;
      paid.push({ userId: c.userId, amount });
      credits.push(copy(recordClaim(rain, dropId, { userId: c.userId, name: c.name }, amount, now)));
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
    const drops = rain.order.map((dropId, index) => {
      const kept = fair?.drops.get(dropId)?.batches;
      const batches = [...(kept ?? [])].map(([nodeId, b]) => ({
        nodeId,
        digest: b.digest,
        count: b.count,
        candidates: b.candidates,
        tickets: [...b.tickets],
      }));
      return {
        index,
        dropId,
        releasedAt: rain.drops.get(dropId)?.releasedAt ?? 0,
        tickets: canonicalList(batches.flatMap((b) => b.tickets)),
        batches,
        winners: copy(fair?.draws.get(dropId) ?? null),
      };
    });
    const claims = [...rain.claims].map(([key, amount]) => {
      const [dropId = '', userId = ''] = key.split('\n');
      return { dropId, userId, amount };
    });
    return Promise.resolve({ drops, claims, log: copy(fair?.log ?? []) });
  }
}
