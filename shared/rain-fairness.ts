/**
 * What a player needs to verify a rain (GET /v1/rains/:id/replay) and what its host sees of
 * it (GET /v1/rains/:id/report). docs/fairness.md describes the scheme.
 */
import type { RainView } from './protocol/views.js';

/** One drop as the store recorded it, in timeline order. */
export interface ReplayDrop {
  index: number;
  dropId: string;
  /** Server time of release, ms epoch (0: never released). */
  releasedAt: number;
  /** Lottery: every user id holding a ticket on any node (the union of the batches), sorted. */
  tickets: string[];
  /** Lottery: what each node handed in for the drop (one batch per node that took tickets). */
  batches: ReplayBatch[];
  /** Lottery: the draw as stored (winner, amount) in draw order; null if never drawn. */
  winners: { userId: string; amount: number }[] | null;
}

/** One node's lottery batch for a drop: its kept ticket list and its commitment. */
export interface ReplayBatch {
  nodeId: string;
  /** SHA-256 (hex) over the node's ticket list, one user id per line, as handed in. */
  digest: string;
  /** How many tickets the node said it held. */
  count: number;
  /** How many of them it handed in as candidates (its lowest scores). */
  candidates: number;
  /** The node's ticket list (user ids sorted by UTF-8 bytes); null once its retention ran out. */
  tickets: string[] | null;
}

/** One paid share: the claim and what the payee's ledger says about it. */
export interface ReplayClaim {
  claimId: string;
  dropId: string;
  userId: string;
  amount: number;
  /** The ledger's credit for this claim id, or null if the ledger has none. */
  ledgered: { userId: string; amount: number } | null;
}

/** Everything needed to re-derive and check a rain that has ended. */
export interface ReplayBundle {
  rain: RainView;
  /** The revealed seed (base64url). */
  seed: string;
  drops: ReplayDrop[];
  claims: ReplayClaim[];
}

export interface ReplayVerdict {
  ok: boolean;
  /**
   * What was checked, for the printed verdict. `passedOver`: ticket holders the draws skipped
   * because their wins had reached the rain's maxGrabsPerUser.
   */
  checked: { drops: number; draws: number; passedOver: number; claims: number; paid: number };
  /** Every mismatch found (empty when ok). */
  problems: string[];
}

/** The host's per-rain report. Times are ms; buckets are `bucketMs` wide from the start. */
export interface RainReport {
  rainId: string;
  mode: RainView['mode'];
  reactionFloorMs: number;
  maxTapsPerSec: number;
  bucketMs: number;
  /** Releases and grab attempts per time bucket since the rain's start. */
  timeline: { atMs: number; releases: number; grabs: number }[];
  /** Reaction time (grab − release) histogram over every grab attempt on a released drop. */
  reactions: {
    buckets: { fromMs: number; toMs: number; count: number }[];
    count: number;
    p10: number | null;
    median: number | null;
    p90: number | null;
  };
  /** Winnings per user, best first. */
  winnings: { userId: string; name: string; amount: number; grabs: number }[];
  /** Users with grabs faster than the floor or taps refused for rate. */
  flags: {
    userId: string;
    belowFloor: number;
    rateLimited: number;
    fastestReactionMs: number;
  }[];
  /** True when the grab log hit its cap and the figures cover only its start. */
  truncated: boolean;
}
