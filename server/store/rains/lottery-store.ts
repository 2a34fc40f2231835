/**
 * The fair-rain part of the store (docs/fairness.md): the entry gate in front of every drop
 * grab (tap limit, reaction floor, lottery tickets), the fenced draw that closes a lottery
 * window, and the audit trail that replay and the host's report read. Memory and Redis
 * implement it (memory-lottery.ts, redis-lottery.ts); like the rest of a rain, each
 * method is atomic on one rain (one Redis Cluster slot).
 *
 *   drop released at r            opens = r + reactionFloorMs        closes = opens + windowMs
 *   ──────┬────────────────────────────┬──────────────────────────────────┬──────────────────
 *         │  enterDrop → early          │ enterDrop → ticket (once/user)   │ before the draw:
 *         │  (GRAB_TOO_EARLY)           │ ack waits for the draw           │   drawing (waits)
 *         │                             │                                  │ after: pass → grabDrop
 *                                                                          ▲
 *                     the driver (lease holder) draws: dropTickets → drawOrder → drawDrop
 *
 * Race rains take the same gate (tap limit, audit trail) and always `pass`.
 */
import type { ReplayDrop } from '@red-packet/sdk/rain-fairness';
import type { UserRef } from '@red-packet/sdk/protocol';
import type { Credit } from '../wallets/wallet-store.js';

export type EnterOutcome =
  /** Go on to Store.grabDrop (race mode, or a lottery drop already drawn). */
  | { status: 'pass' }
  /** Took a ticket for the drop's draw; the window closes at `closeAt`. */
  | { status: 'ticket'; closeAt: number }
  /** The window closed at `closeAt` and the draw has not happened yet: grab after it. */
  | { status: 'drawing'; closeAt: number }
  /** Before the reaction floor: refused, nothing recorded but the audit trail. */
  | { status: 'early'; opensAt: number }
  /** Over the rain's maxTapsPerSec: refused, the tap not counted. */
  | { status: 'rate'; retryAt: number }
  /** `already`: this user holds a ticket for the drop already; `cap`: their wins in the rain
   * reached its maxGrabsPerUser, so they get no more tickets. */
  | { status: 'already' | 'cap' | 'drop-inactive' | 'rain-inactive' | 'missing' };

export interface Ticket extends UserRef {
  /** Server time the ticket was taken, ms. */
  at: number;
}

export type DrawOutcome =
  /** Paid: one outbox credit per winner, in draw order; `dropLeft` shares remain (holders at
   * the cap were passed over, or there were fewer holders than shares). */
  | { ok: true; credits: Credit[]; dropLeft: number }
  | { ok: false; reason: 'lease-lost' | 'cursor-moved' | 'not-closed' | 'tickets-moved' | 'closed' };

export type DrawState =
  | { state: 'drawn'; winners: { userId: string; amount: number }[] }
  /** Not drawn yet. */
  | { state: 'open' }
  /** The rain is over (or unknown) and the drop was never drawn. */
  | { state: 'closed' };

export type TapOutcome = 'tap' | 'ticket' | 'early' | 'rate';

/** One grab attempt on a released drop, as the store saw it (the report reads these). */
export interface GrabLogEntry {
  userId: string;
  dropIndex: number;
  /** Server time of the attempt minus the drop's release, ms. */
  reactionMs: number;
  outcome: TapOutcome;
}

/** A rain's audit trail: drops, draws, claims and the grab log (capped at GRAB_LOG_CAP). */
export interface RainTrail {
  drops: ReplayDrop[];
  claims: { dropId: string; userId: string; amount: number }[];
  log: GrabLogEntry[];
}

/** Grab attempts kept per rain for the report; later ones are counted but not logged. */
export const GRAB_LOG_CAP = 100_000;

export interface LotteryStore {
  /**
   * The gate every drop grab passes first, atomically: checks and counts the user's tap
   * against maxTapsPerSec (one-second windows by server time; a refused tap is not counted),
   * then the drop's window. Lottery: before release + floor → `early`; inside the window →
   * one ticket per (drop, user) (`already` for a second, `cap` for a user whose wins reached
   * maxGrabsPerUser); after it → `drawing` until the draw, then `pass` (Store.grabDrop checks
   * the cap there). Race: `pass`. Appends the attempt to the grab log.
   */
  enterDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<EnterOutcome>;

  /** A released drop's tickets in the order taken (null for an unknown or unreleased drop). */
  dropTickets(rainId: string, dropId: string): Promise<{ releasedAt: number; tickets: Ticket[] } | null>;

  /**
   * Closes drop #`from`'s lottery window and pays its draw, atomically — exactly when `nodeId`
   * holds the lease, `from` equals the drops drawn so far, the window has closed by `now`, and
   * the drop holds exactly `ticketCount` tickets (the list the draw was computed from).
   * `order` is every ticket holder once, in draw order (domain/rain-fairness.ts drawOrder);
   * the store walks it and pays the first holders whose wins in the rain are below
   * maxGrabsPerUser, one share each, skipping the others — so the cap is judged in the same
   * step as the payment. The k-th winner takes the k-th share popped; each gets a claim, an
   * outbox credit and the leaderboard. Fenced like releaseDrops: every drop is drawn at most
   * once, whoever drives. Throws, changing nothing, if `order` is not the ticket holders.
   */
  drawDrop(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    ticketCount: number,
    order: readonly string[],
    now: number,
  ): Promise<DrawOutcome>;

  /** Whether a drop was drawn, and to whom. */
  dropDraw(rainId: string, dropId: string): Promise<DrawState>;

  /** The rain's audit trail (null for an unknown rain). Read-only. */
  rainTrail(rainId: string): Promise<RainTrail | null>;
}
