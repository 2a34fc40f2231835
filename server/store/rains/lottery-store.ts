/**
 * The fair-rain part of the store (docs/fairness.md): the batches of lottery tickets each node
 * hands in once per drop, the fenced draw over their union, and the audit trail that replay and
 * the host's report read. Taps never reach it: each node gates them itself
 * (services/rains/rain-gate.ts). Memory and Redis implement it (memory-lottery.ts,
 * redis-lottery.ts); like the rest of a rain, each method is atomic on one rain (one Redis
 * Cluster slot).
 *
 *   drop released at r        opens = r + floor        closes = opens + window     closes + grace
 *   ──────┬──────────────────────┬─────────────────────────┬───────────────────────────┬──────────
 *         │ node: GRAB_TOO_EARLY │ node: ticket in batch   │ each node: submitBatch    │ driver:
 *         │                      │ (first tap per user)    │ (one call per node/drop)  │ drawDrop
 *                                                                     a batch after the draw: 'drawn'
 *
 * Race rains hand in a batch too, with no tickets: the node's grab log for the drop.
 */
import type { ReplayDrop } from '@red-packet/sdk/rain-fairness';
import type { Credit } from '../wallets/wallet-store.js';

/** What a node hands in for one drop, once (docs/fairness.md). */
export interface DropBatch {
  nodeId: string;
  /** The node's ticket holders for the drop, canonical (rain-lottery.ts canonicalList). */
  tickets: string[];
  /** batchDigest(tickets): the commitment the replay checks the kept list against. */
  digest: string;
  /** The node's candidateLimit lowest-scoring holders, with their names (rain-lottery.ts). */
  candidates: { userId: string; name: string; score: number }[];
  /** The node's grab log for the drop (a bounded sample; appended up to GRAB_LOG_CAP). */
  log: GrabLogEntry[];
}

export type BatchOutcome =
  /** Recorded: its candidates join the draw, its list is kept for replay. */
  | { status: 'accepted' }
  /** This node already handed in this drop: nothing changed (a retry). */
  | { status: 'duplicate' }
  /** The drop was drawn before the batch arrived: refused, nothing recorded. */
  | { status: 'drawn' }
  /** No such rain or released drop, or the rain is over: refused, nothing recorded. */
  | { status: 'missing' | 'closed' };

export type DrawOutcome =
  /** Paid: one outbox credit per winner, in draw order; `dropLeft` shares remain (holders at
   * the cap were passed over, or there were fewer holders than shares). */
  | { ok: true; credits: Credit[]; dropLeft: number }
  /** The window plus the grace has not passed: draw at `drawAt`. */
  | { ok: false; reason: 'not-closed'; drawAt: number }
  | { ok: false; reason: 'lease-lost' | 'cursor-moved' | 'closed' };

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
   * Records one node's batch for a released drop, atomically: its candidates join the drop's
   * draw (one per user across nodes: a user's score is the same everywhere), its list and
   * commitment are kept for replay (ticket-list retention), its log is appended (up to
   * GRAB_LOG_CAP). Refused once the drop is drawn. Idempotent per (drop, node). Once the rain
   * is over it answers `closed`, but a batch without tickets (a race drop's log, handed in as
   * the rain ended with its last drop's ttl) still has its log appended.
   */
  submitBatch(rainId: string, dropId: string, batch: DropBatch): Promise<BatchOutcome>;

  /**
   * Closes drop #`from`'s lottery and pays its draw, atomically — exactly when `nodeId` holds
   * the lease, `from` equals the drops drawn so far and `now` is at least the window's close
   * plus `graceMs` (else `not-closed` with when). Walks the candidates handed in by score
   * (rain-lottery.ts byScore) and pays the first whose wins in the rain are below
   * maxGrabsPerUser, one share each — the cap is judged in the step that pays. The k-th winner
   * takes the k-th share popped; each gets a claim, an outbox credit and the leaderboard.
   * Fenced like releaseDrops: every drop is drawn at most once, whoever drives; later batches
   * for it are refused.
   */
  drawDrop(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    graceMs: number,
    now: number,
  ): Promise<DrawOutcome>;

  /** Whether a drop was drawn, and to whom. */
  dropDraw(rainId: string, dropId: string): Promise<DrawState>;

  /** The rain's audit trail (null for an unknown rain). Read-only. */
  rainTrail(rainId: string): Promise<RainTrail | null>;
}
