/**
 * This node's batches: per released drop, the lottery tickets its users took here and its
 * sample of the grab log, handed to the store ONCE per node per drop (LotteryStore.submitBatch)
 * on the first tick after the lottery window closes (race drops: after their ttl, log only).
 *
 *   ticket    first tap per user per drop on this node inside the window (RainGate)
 *   hand in   the node's list, canonical, with its commitment (rain-lottery.ts batchDigest),
 *             its candidateLimit lowest-scoring holders (all that can win) and its log sample
 *   after     the drop is marked handed in: a ticket decided too late for it is refused
 *             (the gate then says the draw is pending); a batch the store refuses because the
 *             drop was drawn first makes its tickets answer LOTTERY_MISSED (`onMissed`)
 *
 * The log keeps at most LOG_SAMPLE attempts per drop on this node, a uniform sample
 * (reservoir) when there are more, so neither memory nor the store's work grows with taps.
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import { batchCandidates, batchDigest, candidateLimit, canonicalList } from '../../domain/rain-lottery.js';
import { lotteryWindow } from '../../domain/rain-rules.js';
import type { Logger } from '../../observability/logger.js';
import type { DropBatch, GrabLogEntry, LotteryStore, TapOutcome } from '../../store/rains/lottery-store.js';
import type { RainRecord } from '../../store/store.js';

/** Grab-log entries one node keeps per drop (a uniform sample beyond it). */
export const LOG_SAMPLE = 2_000;
/** A batch the store cannot take is retried every tick for this long after it was due, ms. */
const RETRY_MS = 30_000;
/** Drops remembered as handed in before the memory is cleared. */
const SENT_LIMIT = 10_000;

interface Batch {
  rainId: string;
  dropId: string;
  seed: string;
  shares: number;
  dueAt: number;
  /** userId → name. */
  holders: Map<string, string>;
  log: GrabLogEntry[];
  /** Attempts seen, logged or not (for the reservoir). */
  seen: number;
}

export class DropBatches {
  private readonly open = new Map<string, Batch>();
  private readonly sent = new Set<string>();
  private readonly failing = new Map<string, { batch: Batch; body: DropBatch }>();

  constructor(
    private readonly store: LotteryStore,
    private readonly nodeId: string,
    private readonly log_: Logger,
    /** The store refused a batch because the drop was drawn first. */
    private readonly onMissed: (rainId: string, dropId: string) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /** Drops with a batch not yet handed in. */
  get pending(): number {
    return this.open.size + this.failing.size;
  }

  /** Tickets held in batches not yet handed in, over every drop (tests, metrics). */
  get tickets(): number {
    let n = 0;
    for (const batch of this.open.values()) n += batch.holders.size;
    return n;
  }

  /** Whether `userId` holds a ticket for the drop on this node. */
  holds(rainId: string, dropId: string, userId: string): boolean {
    return this.open.get(key(rainId, dropId))?.holders.has(userId) === true;
  }

  /** Records a ticket; false if this node already handed the drop in (too late for it). */
  ticket(rain: RainRecord, dropId: string, releasedAt: number, user: UserRef): boolean {
    const batch = this.batchOf(rain, dropId, releasedAt);
    if (!batch) return false;
    batch.holders.set(user.userId, user.name);
    return true;
  }

  /** Logs one attempt on a released drop (sampled past LOG_SAMPLE). */
  log(
    rain: RainRecord,
    dropId: string,
    dropIndex: number,
    releasedAt: number,
    userId: string,
    now: number,
    outcome: TapOutcome,
  ): void {
    const batch = this.batchOf(rain, dropId, releasedAt);
    if (!batch) return;
    const entry = { userId, dropIndex, reactionMs: now - releasedAt, outcome };
    batch.seen += 1;
    if (batch.log.length < LOG_SAMPLE) batch.log.push(entry);
    else {
      const slot = Math.floor(this.random() * batch.seen);
      if (slot < LOG_SAMPLE) batch.log[slot] = entry;
    }
  }

  /** Hands in every batch due by `now`, one store call each (the runner calls it every tick). */
  async handIn(now: number): Promise<void> {
    const due: { k: string; batch: Batch; body: DropBatch }[] = [];
    for (const [k, batch] of this.open) {
      if (now < batch.dueAt) continue;
      this.open.delete(k);
      this.markSent(k);
      due.push({ k, batch, body: this.body(batch) });
    }
    for (const [k, f] of this.failing) {
      this.failing.delete(k);
      due.push({ k, ...f });
    }
    await Promise.all(due.map((d) => this.submit(d.k, d.batch, d.body, now)));
  }

  private async submit(k: string, batch: Batch, body: DropBatch, now: number): Promise<void> {
    try {
      const outcome = await this.store.submitBatch(batch.rainId, batch.dropId, body);
      if (outcome.status === 'drawn') {
        this.log_.warn(
          { rainId: batch.rainId, dropId: batch.dropId, tickets: body.tickets.length },
          'lottery batch arrived after the draw',
        );
        this.onMissed(batch.rainId, batch.dropId);
      }
    } catch (err) {
      if (now < batch.dueAt + RETRY_MS) this.failing.set(k, { batch, body });
      else this.log_.warn({ err, rainId: batch.rainId, dropId: batch.dropId }, 'gave up a lottery batch');
    }
  }

  private body(batch: Batch): DropBatch {
    return dropBatch(this.nodeId, batch.seed, batch.dropId, batch.shares, batch.holders, batch.log);
  }

  private batchOf(rain: RainRecord, dropId: string, releasedAt: number): Batch | undefined {
    const k = key(rain.id, dropId);
    let batch = this.open.get(k);
    if (!batch) {
      if (this.sent.has(k)) return undefined;
      batch = {
        rainId: rain.id,
        dropId,
        seed: rain.seed,
        shares: rain.sharesPerDrop,
        dueAt:
          rain.mode === 'lottery' ? lotteryWindow(releasedAt, rain).closesAt : releasedAt + rain.dropTtlMs,
        holders: new Map(),
        log: [],
        seen: 0,
      };
      this.open.set(k, batch);
    }
    return batch;
  }

  private markSent(k: string): void {
    if (this.sent.size >= SENT_LIMIT) this.sent.clear();
    this.sent.add(k);
  }
}

/**
 * What a node hands in for a drop: its holders as a canonical list with its commitment, the
 * candidateLimit lowest-scoring of them with their names, and its log sample.
 */
export function dropBatch(
  nodeId: string,
  seed: string,
  dropId: string,
  shares: number,
  holders: ReadonlyMap<string, string>,
  log: GrabLogEntry[] = [],
): DropBatch {
  const tickets = canonicalList(holders.keys());
  return {
    nodeId,
    tickets,
    digest: batchDigest(tickets),
    candidates: batchCandidates(seed, dropId, tickets, candidateLimit(shares)).map((c) => ({
      ...c,
      name: holders.get(c.userId) ?? c.userId,
    })),
    log,
  };
}

const key = (rainId: string, dropId: string): string => `${rainId}\n${dropId}`;
