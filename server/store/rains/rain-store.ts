/**
 * Rains: drops released on a timeline by the lease holder, grabbed share by share. Every
 * method is atomic on one rain (one Redis Cluster slot); funding and paying cross into wallets
 * in the idempotent steps described in store.ts. Implemented by memory-rains.ts and
 * redis-rains.ts (through memory-rain-store.ts and redis-rain-store.ts).
 *
 * Every amount is integer fen. All methods may reject with StoreUnavailableError.
 */
import type { LeaderboardEntry, RainView, UserRef } from '@red-packet/sdk/protocol';
import type { CreateResult } from '../packets/packet-store.js';
import type { Credit } from '../wallets/wallet-store.js';

/** A rain as stored: what clients see, plus its secret seed, escrow and driver's lease. */
export interface RainRecord extends RainView {
  /** Secret: the drop timeline and ids derive from it (domain/rain-timeline.ts). */
  seed: string;
  /** When the latest drop was released (0 before any). */
  lastReleaseAt: number;
  /** Fen still in escrow; 0 once ended or cancelled. */
  remainingAmount: number;
  /** The node driving the rain, and until when its lease runs. */
  leaseOwner: string | null;
  leaseUntil: number;
  /** Lottery: drops drawn so far (drops [0, drawn) are drawn; lottery-store.ts). */
  drawn: number;
}

/** A released drop whose window is open and which still has shares. */
export interface ActiveDrop {
  dropId: string;
  releasedAt: number;
  /** Shares left. */
  left: number;
  /** Shares it started with. */
  shares: number;
}

export type DropGrabOutcome =
  /** `credit` is the outbox credit to apply; `dropLeft` the shares the drop still holds. */
  | { status: 'claimed'; credit: Credit; dropLeft: number }
  | { status: 'already' | 'cap' | 'drop-empty' | 'drop-inactive' | 'rain-inactive' | 'missing' };

export type LeaseResult = { acquired: true; rain: RainRecord } | { acquired: false; rain: RainRecord | null };

export type ReleaseResult =
  /** `started`: this call moved the rain from scheduled to running. */
  { ok: true; started: boolean } | { ok: false; reason: 'lease-lost' | 'cursor-moved' | 'closed' };

export type EndRainOutcome =
  | { status: 'ended'; rain: RainRecord; refund: Credit | null; winners: number }
  | { status: 'noop'; rain: RainRecord | null };

export interface RainStore {
  /**
   * Creates a scheduled rain holding every drop's shares in escrow, findable by room and as
   * active. Idempotent like createPacket (`exists`; `aborted` after abortFunded).
   */
  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult>;

  getRain(rainId: string): Promise<RainRecord | null>;

  /** Ids of rains scheduled or running (for drivers to pick up). */
  listActiveRains(limit: number): Promise<string[]>;

  /** The room's scheduled or running rains, by start time. */
  listRoomRains(roomId: string): Promise<RainRecord[]>;

  /**
   * Grants (or renews) the driving lease to `nodeId` until `now + ttlMs` if the rain is active
   * and the lease is free, expired or already `nodeId`'s. At most one holder at a time.
   */
  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult>;

  /** Gives the lease back (if `nodeId` holds it) so another node can take over at once. */
  releaseRainLease(rainId: string, nodeId: string): Promise<void>;

  /**
   * Records `dropIds` as released at `now` — exactly when `nodeId` holds the lease and
   * `from` equals the drops released so far — renews the lease, and starts a scheduled rain.
   * The cursor check makes every drop released at most once, whoever drives.
   */
  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult>;

  /**
   * Pops one share of a released drop for `user` and records the claim, its outbox credit and
   * the leaderboard, atomically. Refuses: `rain-inactive` unless running; `drop-inactive`
   * for an unknown or unreleased drop or outside its window [releasedAt, releasedAt + ttl);
   * `already` for a second grab of the drop; `cap` past maxGrabsPerUser; `drop-empty`.
   */
  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome>;

  /**
   * Ends an active rain — `finished` only once every drop is released and the last window
   * has closed, `cancelled` at any time — moving every unclaimed share into an outbox refund
   * to the host. Idempotent: only the first call returns `ended`.
   */
  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome>;

  /** The top winners, by amount (then grabs), at most `limit`. */
  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]>;

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }>;

  /** Released drops whose window is open at `now` and which still have shares. */
  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]>;

  /** When drop `dropId` of the rain was released: 0 if not yet, null for no such drop. Read-only. */
  dropReleasedAt(rainId: string, dropId: string): Promise<number | null>;
}
