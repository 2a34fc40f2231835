/**
 * The store: all game state, shaped like the game. MemoryStore implements it in-process;
 * RedisStore (next) implements it with one Lua script per atomic method.
 *
 * Slots. Every method touches exactly one *wallet* (keyed by user) or one *packet* (keyed by
 * packet) or one *room*, so each is atomic on its own — in one Redis Cluster slot — and no
 * method is atomic across two of them. Money that crosses a wallet and a packet therefore
 * moves in idempotent steps, and the reconciler re-drives whichever step a crash left out:
 *
 *   funding a packet     hold (wallet)  →  createPacket (packet)  →  settleHold (wallet)
 *                        on failure:       abortFunded (packet)   →  releaseHold (wallet)
 *   paying a share       grab (packet: claim + outbox credit)  →  applyCredit (wallet)
 *                        →  ackCredits (packet, batched, any time later)
 *   refunding expiry     expirePacket (packet: outbox refund)  →  applyCredit  →  ackCredits
 *
 * Claims are authoritative: once `grab` returns a claim, the credit *will* land (now, or
 * from the reconciler via listStaleCredits). `applyCredit` is idempotent by claim id, so
 * re-driving a credit that did land pays nothing.
 *
 * Every amount is integer fen. All methods may reject with StoreUnavailableError.
 */
import type {
  AuditReport,
  ChatMessage,
  ClaimView,
  LeaderboardEntry,
  PacketView,
  RainView,
  UserRef,
} from '@red-packet/sdk/protocol';
import type { GrabPass } from '../domain/claim-gate.js';
import type { Listen } from '../domain/karaoke-credit.js';
import type { NodeRegistry } from './node-registry.js';
import type { CodeStore } from './code-store.js';
import type { FenceStore } from './fence-store.js';
import type { RainFairStore } from './rain-fair-store.js';

export type StoreKind = 'memory' | 'redis' | 'cluster';

/** A packet as stored: what clients see, plus its escrow and best luck. */
export interface PacketRecord extends PacketView {
  /** Fen still in escrow (sum of unclaimed shares); 0 once finished or expired. */
  remainingAmount: number;
  /** Largest claim so far (earliest wins a tie), null before the first claim. */
  bestLuck: ClaimView | null;
}

/** A (packet, user) claim. Unique per pair by construction. */
export interface ClaimRecord extends ClaimView {
  claimId: string;
  packetId: string;
}

/** Money owed to a wallet by a packet: a claimed share or an expiry refund. */
export interface Credit {
  /** Idempotency key: a credit with a given id is applied at most once. */
  claimId: string;
  userId: string;
  amount: number;
  /** The packet (`pk_…`) or rain (`rn_…`) that owes it; its outbox holds the credit. */
  sourceId: string;
  /** A packet share, a packet's expiry refund, a rain drop share, a rain's end refund. */
  reason: 'grab' | 'refund' | 'drop' | 'rain-refund';
  at: number;
}

/** Money taken from a wallet for a purpose that has not been settled yet. */
export interface Hold {
  /** Equals the id of the packet or rain it funds. */
  holdId: string;
  userId: string;
  amount: number;
  at: number;
}

export type LedgerKind = 'mint' | 'hold' | 'release' | 'credit';

/** One wallet movement. The ledger is append-only; Σ amount over a wallet = its balance. */
export interface LedgerEntry {
  userId: string;
  kind: LedgerKind;
  /** Signed change in fen. */
  amount: number;
  /** Balance after this entry. */
  balance: number;
  /** mint id, hold id, or claim id. */
  ref: string;
  at: number;
}

export type HoldResult = { ok: true; balance: number } | { ok: false; balance: number };

/** A user's listen of a karaoke packet's song (domain/karaoke-credit.ts), versioned. */
export interface ListenRecord extends Listen {
  /** Bumped by every save; saveListen compares it. */
  version: number;
}

export type CreateResult = 'created' | 'exists' | 'aborted';

export type GrabOutcome =
  | { status: 'claimed'; claim: ClaimRecord; packet: PacketRecord }
  | { status: 'already'; claim: ClaimRecord }
  /** A karaoke packet this user has not unlocked, or a password packet without its phrase. */
  | { status: 'locked' }
  /** A timed packet before its opening (`at < opensAt`). */
  | { status: 'not-open'; opensAt: number }
  /** An exclusive packet (paid to a receive code) and this user is not its owner. */
  | { status: 'forbidden' }
  /**
   * A location-fenced packet and a grab whose location is outside it (domain/geo-fence.ts);
   * `distanceM` null when the grab presented none. Nothing was written.
   */
  | { status: 'outside'; radiusM: number; distanceM: number | null }
  | { status: 'empty' }
  | { status: 'expired' }
  | { status: 'missing' };

export type CancelOutcome =
  /** This call cancelled it; `refund` is the outbox credit of the whole total to the sender. */
  | { status: 'cancelled'; packet: PacketRecord; refund: Credit }
  /** Not this sender's packet. */
  | { status: 'not-sender' }
  /** Open already (or never timed), finished, expired or cancelled: nothing changed. */
  | { status: 'opened' | 'closed' | 'missing' };

/**
 * A grab whose credit may have landed in the same atomic step: `credited: true` carries the
 * grabber's new balance; `credited: false` is a plain `grab` claim whose credit waits in the
 * packet's outbox for applyCredit.
 */
export type CreditedGrabOutcome =
  | { status: 'claimed'; claim: ClaimRecord; packet: PacketRecord; credited: true; balance: number }
  | { status: 'claimed'; claim: ClaimRecord; packet: PacketRecord; credited: false }
  | Exclude<GrabOutcome, { status: 'claimed' }>;

export type ExpireOutcome =
  /** This call expired it; `refund` is the outbox credit to the sender (null if nothing left). */
  | { status: 'expired'; packet: PacketRecord; refund: Credit | null }
  /** Nothing to do: not due yet, already expired or finished, or no such packet. */
  | { status: 'noop' };

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
  /** Lottery: drops drawn so far (drops [0, drawn) are drawn; rain-fair-store.ts). */
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

export class StoreUnavailableError extends Error {
  constructor(message = 'the store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface Store {
  readonly kind: StoreKind;

  /** Node liveness and the room memberships each node holds (node-registry.ts). */
  readonly nodes: NodeRegistry;
  /** Receive codes, exclusive-packet inboxes and the phrase index (code-store.ts). */
  readonly codes: CodeStore;
  /** Lottery windows, tap limits and the audit trail of rains (rain-fair-store.ts). */
  readonly fairRains: RainFairStore;
  /** The nearby index of location-fenced packets and their claim-location log (fence-store.ts). */
  readonly fences: FenceStore;

  /** Resolves if the store answers; readiness probes call it. */
  ping(): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;

  // ── wallets: each method is atomic on one wallet ──────────────────────────────────────

  /** Current balance (0 for a wallet never seen). */
  getBalance(userId: string): Promise<number>;

  /**
   * Creates money in a wallet (admin test money), ledgered as `mint`.
   * Idempotent by `mintId`: a repeat returns the current balance and `applied: false`.
   */
  mint(
    userId: string,
    amount: number,
    mintId: string,
    at: number,
  ): Promise<{ balance: number; applied: boolean }>;

  /**
   * Atomically checks the balance and debits `hold.amount` into a hold, ledgered as `hold`.
   * On insufficient funds nothing is written (`ok: false`). Idempotent by holdId: a repeat of
   * an existing hold returns `ok: true` without debiting again.
   */
  hold(hold: Hold): Promise<HoldResult>;

  /**
   * Marks a hold settled: its money now sits in the packet's escrow. No wallet change.
   * Idempotent; a no-op for a hold already settled or released or never made.
   */
  settleHold(userId: string, holdId: string): Promise<void>;

  /**
   * Returns a still-held hold's money to the wallet, ledgered as `release`. Idempotent:
   * a settled, released or unknown hold is left alone (`applied: false`).
   */
  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }>;

  /**
   * Credits a wallet for a claim or refund, ledgered as `credit` with ref = claimId.
   * Idempotent by claimId: a repeat returns the current balance and `applied: false`.
   */
  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }>;

  /** Holds still `held` that were made before `before` (for the reconciler). */
  listStaleHolds(before: number, limit: number): Promise<Hold[]>;

  /** The wallet's most recent ledger entries, newest first. */
  ledger(userId: string, limit: number): Promise<LedgerEntry[]>;

  // ── packets: each method is atomic on one packet ──────────────────────────────────────

  /**
   * Creates an open packet holding `shares` (sum = packet.total, length = packet.count) in
   * escrow, and makes it findable by room and due for expiry at `expiresAt`.
   * Idempotent: `exists` if already created; `aborted` (nothing written) if abortFunded ran
   * first, so a packet whose hold was refunded can never appear afterwards.
   */
  createPacket(packet: PacketRecord, shares: number[]): Promise<CreateResult>;

  /**
   * Makes sure the packet or rain funded by hold `id` will never be created: `aborted` (a
   * tombstone is left) unless it already exists (`exists`). Idempotent. The reconciler calls
   * it before releasing a hold.
   */
  abortFunded(id: string): Promise<'aborted' | 'exists'>;

  /**
   * Atomically pops one share for `user` and records the claim and its outbox credit.
   * At most one claim per (packet, user), whatever the retries: a repeat answers `already`
   * with the original claim. Refuses with `expired` at or after expiresAt (by `at`; also once
   * cancelled), `not-open` before a timed packet's opensAt (by `at`, so every node agrees),
   * `locked` for a karaoke packet the user has not unlocked (saveListen) or a password packet
   * whose phrase `pass` does not carry, `forbidden` for an exclusive packet of another owner
   * (domain/claim-gate.ts), `outside` for a fenced packet when `pass.location` is absent or
   * outside its fence (domain/geo-fence.ts; the pass carries the already-capped accuracy),
   * `empty` when no share is left, `missing` for an unknown packet.
   * The last share finishes the packet.
   */
  grab(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<GrabOutcome>;

  /**
   * Cancels a timed packet of `senderId` that has not opened yet (`at < opensAt`): its whole
   * escrow becomes an outbox refund credit to the sender (paid like an expiry refund) and it
   * turns `cancelled`. Atomic with grab on the packet, so no share is paid from a cancelled
   * packet. Idempotent: only the first call returns `cancelled`; later ones `closed`.
   */
  cancelPacket(packetId: string, senderId: string, at: number): Promise<CancelOutcome>;

  /**
   * `grab`, plus the claim's wallet credit in the same atomic step where the store can make
   * it one (the memory store; a single Redis: one script): `credited: true` with the new
   * balance, the credit ledgered exactly as applyCredit would (ref = claimId, so a later
   * applyCredit of it is a no-op) and no outbox entry left behind. Where it cannot (Redis
   * Cluster: the packet and the wallet live in different slots) it is exactly `grab`
   * (`credited: false`) and the caller pays the claim with applyCredit → ackCredits.
   */
  grabAndCredit(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<CreditedGrabOutcome>;

  /**
   * If the packet is open and `at >= expiresAt`: moves its remaining escrow into an outbox
   * refund credit to the sender and marks it expired. Idempotent: only the first call returns
   * `expired`; finished or missing packets are dropped from the expiry schedule (`noop`).
   */
  expirePacket(packetId: string, at: number): Promise<ExpireOutcome>;

  /** Removes landed credits from their source's outbox. Idempotent; unknown ids are ignored. */
  ackCredits(sourceId: string, claimIds: string[]): Promise<void>;

  getPacket(packetId: string): Promise<PacketRecord | null>;

  /** A user's listen of a packet's song, or null if they never started one. */
  getListen(packetId: string, userId: string): Promise<ListenRecord | null>;

  /**
   * Saves a listen if its stored version is still `expectedVersion` (0: none stored yet),
   * storing it as version `expectedVersion + 1`; an unlocked listen also unlocks grabbing
   * for the user, atomically. Resolves false (nothing written) on a version conflict.
   */
  saveListen(packetId: string, userId: string, listen: Listen, expectedVersion: number): Promise<boolean>;

  /** All claims of a packet, in claim order. */
  getClaims(packetId: string): Promise<ClaimRecord[]>;

  /** For each packet id, what `userId` claimed from it (null if nothing). */
  claimedAmounts(packetIds: string[], userId: string): Promise<(number | null)[]>;

  /** The room's open packets, oldest first, at most `limit`. */
  listOpenPackets(roomId: string, limit: number): Promise<PacketRecord[]>;

  /** Ids of packets whose expiresAt ≤ `now` that still need expirePacket. */
  listDueExpiries(now: number, limit: number): Promise<string[]>;

  /** Outbox credits recorded before `before` and not yet acked (for the reconciler). */
  listStaleCredits(before: number, limit: number): Promise<Credit[]>;

  // ── rains: each method is atomic on one rain ──────────────────────────────────────────

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

  // ── rooms: each method is atomic on one room ──────────────────────────────────────────

  /** Appends a chat line, keeping only the newest `keep` lines of the room. */
  appendChat(message: ChatMessage, keep: number): Promise<void>;

  /** The newest `limit` chat lines, oldest first. */
  recentChat(roomId: string, limit: number): Promise<ChatMessage[]>;

  /**
   * Adds one connection of `userId` to the room; returns the count of distinct users.
   * Idempotent per (room, connection).
   */
  addMember(roomId: string, userId: string, connId: string): Promise<number>;

  /** Removes one connection; returns the count of distinct users. Idempotent. */
  removeMember(roomId: string, userId: string, connId: string): Promise<number>;

  memberCount(roomId: string): Promise<number>;

  // ── audit ─────────────────────────────────────────────────────────────────────────────

  /**
   * Conservation check over the whole store: Σ minted = Σ wallets + Σ escrow + Σ in flight,
   * where escrow = unclaimed shares of open packets and active rains, and in flight = held
   * holds whose packet or rain was never created + outbox credits not yet applied. Also counts double claims and wallets whose ledger does not add up.
   * Exact at quiescent moments; a snapshot under load may show transient differences.
   */
  audit(): Promise<AuditReport>;
}
