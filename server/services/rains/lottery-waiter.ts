/**
 * Holds the acks of lottery grabs on this node until their drop is drawn (docs/fairness.md).
 * A ticket's ack is the draw's result for that user: the amount won, or LOTTERY_LOST. A grab
 * that arrived after the window but before the draw waits for the draw and then goes first
 * come. The driver (on any node) draws; every node learns results by reading the store once
 * per pending drop per tick after the window closed, or at once when it drew the drop itself.
 *
 *   node A: ticket ─┐                                         ┌─ ack { amount } / LOTTERY_LOST
 *   node B: ticket ─┼─ wait ── window closes ── driver draws ─┼─ (B reads dropDraw on its tick)
 *   node A: late  ──┘                                         └─ late grab retried first come
 */
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { DrawState, LotteryStore } from '../../store/rains/lottery-store.js';

interface Waiting {
  rainId: string;
  dropId: string;
  closeAt: number;
  /** userId → settle with the amount won, or fail. */
  tickets: Map<string, { resolve: (amount: number) => void; reject: (err: Error) => void }[]>;
  /** Grabs to retry once the draw is in. */
  late: { resolve: () => void; reject: (err: Error) => void }[];
  /** This node's batch reached the store after the draw: its non-winners hear LOTTERY_MISSED. */
  missed: boolean;
}

/** Commits the winners' claims (PostgreSQL) before their tickets are answered; rejects if it cannot. */
export type ConfirmWins = (
  rainId: string,
  dropId: string,
  winners: { userId: string; amount: number }[],
) => Promise<void>;

export interface LotteryWaiterOptions {
  /** Give up on a draw this long after its window closed (the driver is gone for good), ms. @default 30000 */
  giveUpMs: number;
  /**
   * With PostgreSQL: a win read from the store (another node drew it) is committed before it
   * is acknowledged; if that fails the winner hears STORE_UNAVAILABLE and the win still reaches
   * their wallet (the outbox and the reconciler).
   */
  confirm?: ConfirmWins;
  /** Told every draw this node learns (the node gate: drawn drops, wins toward the cap). */
  onDrawn?: (rainId: string, dropId: string, winners: readonly { userId: string; amount: number }[]) => void;
}

export class LotteryWaiter {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly store: LotteryStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: LotteryWaiterOptions = { giveUpMs: 30_000 },
  ) {}

  /** Pending drops on this node. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Resolves with what `userId` won when the drop is drawn; rejects LOTTERY_LOST if nothing. */
  ticket(rainId: string, dropId: string, userId: string, closeAt: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const w = this.entry(rainId, dropId, closeAt);
      const list = w.tickets.get(userId) ?? [];
      list.push({ resolve, reject });
      w.tickets.set(userId, list);
    });
  }

  /** Resolves once the drop is drawn (then a grab goes first come). */
  drawn(rainId: string, dropId: string, closeAt: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.entry(rainId, dropId, closeAt).late.push({ resolve, reject }),
    );
  }

  /** Settles a drop this node just drew (its winners' claims committed), without a store read. */
  settle(rainId: string, dropId: string, winners: { userId: string; amount: number }[]): void {
    this.options.onDrawn?.(rainId, dropId, winners);
    this.finish(`${rainId}\n${dropId}`, { state: 'drawn', winners }, true);
  }

  /**
   * This node handed its batch for the drop in after the draw (the store refused it): its
   * ticket holders who did not win through another node's batch hear LOTTERY_MISSED.
   */
  missed(rainId: string, dropId: string): void {
    const w = this.waiting.get(`${rainId}\n${dropId}`);
    if (w) w.missed = true;
  }

  /** Checks every pending drop whose window has closed (the runner calls it every tick). */
  async poll(now = this.clock.now()): Promise<void> {
    const due = [...this.waiting.entries()].filter(([, w]) => now >= w.closeAt);
    await Promise.all(
      due.map(async ([key, w]) => {
        try {
          const state = await this.store.dropDraw(w.rainId, w.dropId);
          if (state.state !== 'open') this.finish(key, state);
          else if (now >= w.closeAt + this.options.giveUpMs) this.fail(key, 'the draw is late');
        } catch (err) {
          this.log.warn({ err, rainId: w.rainId, dropId: w.dropId }, 'could not read a lottery draw');
          if (now >= w.closeAt + this.options.giveUpMs) this.fail(key, 'the draw could not be read');
        }
      }),
    );
  }

  private entry(rainId: string, dropId: string, closeAt: number): Waiting {
    const key = `${rainId}\n${dropId}`;
    let w = this.waiting.get(key);
    if (!w) {
      w = { rainId, dropId, closeAt, tickets: new Map(), late: [], missed: false };
      this.waiting.set(key, w);
    }
    return w;
  }

  private finish(key: string, state: Exclude<DrawState, { state: 'open' }>, committed = false): void {
    const w = this.waiting.get(key);
    if (!w) return;
    this.waiting.delete(key);
    if (state.state === 'closed') {
      const err = (): GameError =>
        new GameError('RAIN_NOT_ACTIVE', 'the rain ended before this drop was drawn');
      for (const list of w.tickets.values()) for (const t of list) t.reject(err());
      for (const l of w.late) l.reject(err());
      return;
    }
    this.options.onDrawn?.(w.rainId, w.dropId, state.winners);
    const won = new Map(state.winners.map((x) => [x.userId, x.amount]));
    const lost = (): GameError =>
      w.missed
        ? new GameError('LOTTERY_MISSED', 'this node handed its tickets in after the draw')
        : new GameError('LOTTERY_LOST', 'the draw for this drop went to others');
    const mine: { userId: string; amount: number }[] = [];
    for (const [userId, list] of w.tickets) {
      const amount = won.get(userId);
      if (amount !== undefined) mine.push({ userId, amount });
      else for (const t of list) t.reject(lost());
    }
    for (const l of w.late) l.resolve();
    const answer = (err?: Error): void => {
      for (const { userId, amount } of mine)
        for (const t of w.tickets.get(userId) ?? []) {
          if (err) t.reject(err);
          else t.resolve(amount);
        }
    };
    const confirm = this.options.confirm;
    if (committed || !confirm || mine.length === 0) {
      answer();
      return;
    }
    confirm(w.rainId, w.dropId, mine).then(
      () => answer(),
      (err: unknown) => {
        this.log.warn({ err, rainId: w.rainId, dropId: w.dropId }, 'could not commit lottery wins');
        answer(
          new GameError(
            'STORE_UNAVAILABLE',
            'your win is drawn but not yet recorded; it reaches your wallet',
          ),
        );
      },
    );
  }

  private fail(key: string, why: string): void {
    const w = this.waiting.get(key);
    if (!w) return;
    this.waiting.delete(key);
    const err = (): GameError =>
      new GameError('STORE_UNAVAILABLE', `${why}; a win still reaches your wallet when it is drawn`);
    for (const list of w.tickets.values()) for (const t of list) t.reject(err());
    for (const l of w.late) l.reject(err());
  }
}
