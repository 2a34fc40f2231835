/**
 * Packets: escrow, claims, outbox credits, listens and the expiry schedule. Every method is
 * atomic on one packet (one Redis Cluster slot); funding, paying and refunding cross into
 * wallets in the idempotent steps described in store.ts; a packet's tombstone and outbox are
 * escrow's (escrow/escrow-store.ts). Implemented by memory-packets.ts and
 * redis-packets.ts.
 *
 * Every amount is integer fen. All methods may reject with StoreUnavailableError.
 */
import type { ClaimView, PacketView, UserRef } from '@red-packet/sdk/protocol';
import type { GrabPass } from '../../domain/claim-gate.js';
import type { Listen } from '../../domain/karaoke-credit.js';
import type { Credit } from '../wallets/wallet-store.js';

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

/** A user's listen of a karaoke packet's song (domain/karaoke-credit.ts), versioned. */
export interface ListenRecord extends Listen {
  /** Bumped by every save; saveListen compares it. */
  version: number;
}

export type CreateResult = 'created' | 'exists' | 'aborted';

/** What a grab needs to know of its packet afterwards (the grab scripts answer no more). */
export type GrabbedPacket = Pick<
  PacketRecord,
  'id' | 'roomId' | 'kind' | 'status' | 'remainingCount' | 'bestLuck' | 'expiresAt' | 'fence'
>;

export type GrabOutcome =
  /**
   * `distanceM`: for a fenced packet, how far the grab's location is from the fence's centre
   * (domain/geo-fence.ts haversineM), as the fence check measured it; null without a fence.
   */
  | { status: 'claimed'; claim: ClaimRecord; packet: GrabbedPacket; distanceM: number | null }
  | { status: 'already'; claim: ClaimRecord }
  /** A karaoke packet this user has not unlocked, or a password packet without its phrase. */
  | { status: 'locked' }
  /** A timed packet before its opening (`at < opensAt`). */
  | { status: 'not-open'; opensAt: number }
  /** An exclusive packet (paid to a receive code) and this user is not its owner. */
  | { status: 'forbidden' }
  /**
   * A location-fenced packet and a grab whose location is outside it (domain/geo-fence.ts);
   * `distanceM` null when the grab presented none; `expiresAt` the packet's. Nothing was written.
   */
  | { status: 'outside'; radiusM: number; distanceM: number | null; expiresAt: number }
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

type Claimed = Extract<GrabOutcome, { status: 'claimed' }>;

/**
 * A grab whose credit may have landed in the same atomic step: `credited: true` carries the
 * grabber's new balance; `credited: false` is a plain `grab` claim whose credit waits in the
 * packet's outbox for applyCredit.
 */
export type CreditedGrabOutcome =
  | (Claimed & { credited: true; balance: number })
  | (Claimed & { credited: false })
  | Exclude<GrabOutcome, { status: 'claimed' }>;

export type ExpireOutcome =
  /** This call expired it; `refund` is the outbox credit to the sender (null if nothing left). */
  | { status: 'expired'; packet: PacketRecord; refund: Credit | null }
  /** Nothing to do: not due yet, already expired or finished, or no such packet. */
  | { status: 'noop' };

export interface PacketStore {
  /**
   * Creates an open packet holding `shares` (sum = packet.total, length = packet.count) in
   * escrow, and makes it findable by room and due for expiry at `expiresAt`.
   * Idempotent: `exists` if already created; `aborted` (nothing written) if abortFunded ran
   * first, so a packet whose hold was refunded can never appear afterwards.
   */
  createPacket(packet: PacketRecord, shares: number[]): Promise<CreateResult>;

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
   * `keepOutbox` (with a PostgreSQL ledger): the credited claim's outbox entry stays until the
   * caller acks it (ackCredits) once its ledger rows are committed — so a node that dies
   * between the two leaves it to the reconciler, which commits the rows and acks it (applying
   * it again is a no-op by claim id).
   */
  grabAndCredit(
    packetId: string,
    user: UserRef,
    at: number,
    pass?: GrabPass,
    options?: { keepOutbox?: boolean },
  ): Promise<CreditedGrabOutcome>;

  /**
   * If the packet is open and `at >= expiresAt`: moves its remaining escrow into an outbox
   * refund credit to the sender and marks it expired. Idempotent: only the first call returns
   * `expired`; finished or missing packets are dropped from the expiry schedule (`noop`).
   */
  expirePacket(packetId: string, at: number): Promise<ExpireOutcome>;

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
}
