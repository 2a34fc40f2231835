/**
 * The store's part for location-fenced packets (issue 18), apart from the packet store: the
 * nearby index (open fenced packets by where their fence is) and each fenced packet's log of
 * claim locations for the risk side. MemoryFences and RedisFences implement it; Store.fences
 * exposes it.
 *
 * Nothing here moves money or decides a claim: the fence itself is immutable packet data and
 * the packet's own `grab` step enforces it (domain/geo-fence.ts). The index is written
 * *before* the packet it points at (write-ahead, like the phrase index), so a crash leaves an
 * entry pointing at nothing — readers skip it, and drop it once it is older than a send can
 * take — never a fenced packet nobody can find. It is written once the sender's money is held
 * (PacketService.send), so a send refused for funds leaves no entry; only a store failure
 * between the hold and the packet can. A search reads a bounded number of entries wherever
 * it looks, the poles included (redis-fences.ts). Entries leave the index when the packet
 * finishes, expires or is cancelled (PacketService), and readers also drop entries past their
 * `expiresAt`, so a lost removal costs nothing but a skipped entry.
 *
 * Slots (Redis Cluster). The whole nearby index is one hash-tagged slot `{geo}`: a search is
 * one GEOSEARCH over one sorted set, so every candidate must live in one key. That is a
 * deliberate trade: the index holds one small member per *open fenced* packet (not per user
 * or claim), changes once per send and once per close, and is read by nearby searches — a
 * load one master carries many times over. Past that, the way to shard is by area (one
 * `{geo:<cell>}` key per coarse grid cell, a search asking the few cells its circle
 * overlaps), documented in docs/operations.md and not needed yet. A packet's claim log shares
 * the packet's tag `{p:<packetId>}`.
 */

/** A fenced packet in the nearby index. */
export interface FenceEntry {
  packetId: string;
  /** The fence's centre (degrees) and radius (metres), as the packet stores them. */
  lat: number;
  lng: number;
  radiusM: number;
  /** The packet's expiry: readers drop the entry from then on. */
  expiresAt: number;
  /** When the entry was written (before its packet was created). */
  at: number;
}

/** An index entry found near a point, with its exact distance (domain/geo-fence.ts haversineM). */
export interface FenceHit extends FenceEntry {
  distanceM: number;
}

/** One claim attempt on a fenced packet: the reported location and the fence's verdict. */
export interface FenceAttempt {
  userId: string;
  lat: number;
  lng: number;
  /** As reported (before capping). */
  accuracyM: number;
  distanceM: number;
  inside: boolean;
  at: number;
}

export interface FenceStore {
  /** Adds (or replaces) a fenced packet in the nearby index. Idempotent. */
  index(entry: FenceEntry): Promise<void>;

  /** Removes packets from the nearby index. Idempotent; unknown ids are ignored. */
  unindex(packetIds: string[]): Promise<void>;

  /**
   * Entries whose centre lies within `radiusM` of `point` (exact great-circle distance) and
   * that have not expired at `now`, nearest first, at most `limit` — some may point at packets
   * that closed or were never created (the caller checks). Atomically drops expired entries.
   */
  nearby(
    point: { lat: number; lng: number },
    radiusM: number,
    now: number,
    limit: number,
  ): Promise<FenceHit[]>;

  /**
   * Appends an attempt to the packet's claim-location log (the newest `FENCE_LOG_CAP` are
   * kept, until a week after `keepUntil`) and answers how many of this user's attempts on the
   * packet were refused, this one included. One atomic step on the packet's slot; not
   * idempotent (each attempt is logged once by its caller).
   */
  recordAttempt(packetId: string, attempt: FenceAttempt, keepUntil: number): Promise<number>;

  /** The packet's claim-location log, newest first, at most `limit`. */
  attempts(packetId: string, limit: number): Promise<FenceAttempt[]>;
}

/** Claim attempts kept per fenced packet. */
export const FENCE_LOG_CAP = 1_000;

/** How long a packet's claim-location log outlives the packet, ms. */
export const FENCE_LOG_RETAIN_MS = 7 * 86_400_000;
