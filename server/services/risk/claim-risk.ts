/**
 * The one risk gate every claim of money passes — a room grab, a drop grab, a scanned code, a
 * receive-code packet opened, a phrase said in chat; over a socket or over HTTP — because it
 * sits in the claim itself (PacketService.grab, RainService.grab), not around the handlers
 * that reach it: no path can skip it.
 *
 *   before   ban, grab cooldown, daily received cap (local caches, no store call); in the
 *            enforcing clustering mode, the device/address admission (one store call)
 *   after    a win: its fen queued against the daily received cap, its device and address
 *            queued for clustering; a refusal that counts (FAILURE_CODES): the cooldown count
 */

/** How a claim reached the server, besides who makes it. */
export interface ClaimVia {
  /** The socket that asked: its ack carries the new balance, so wallet:updated skips it. */
  conn?: string | undefined;
  /** The caller's address and device id, for account clustering (undefined when unknown). */
  ip?: string | undefined;
  deviceId?: string | undefined;
  /**
   * A room grab: whether the caller has joined that room. The claim refuses NOT_IN_ROOM when
   * not — unless the packet is location-fenced, which is for whoever is inside its fence.
   * Absent for claims that need no room (codes, one's own receive-code packets, phrases).
   */
  inRoom?: (roomId: string) => boolean;
}

export interface ClaimRisk {
  /**
   * Runs `claim` of a share of `sourceId` (a packet or a rain) by `userId` through the gate:
   * throws the refusal before it runs (having changed nothing), and accounts for its outcome.
   */
  guardClaim<T extends { amount: number }>(
    userId: string,
    sourceId: string,
    via: ClaimVia,
    claim: () => Promise<T>,
  ): Promise<T>;
}
