/**
 * Node liveness and the room memberships each node holds, so the survivors can clean up
 * after a node that died without saying goodbye (crash, kill -9, lost host).
 *
 *   node A (alive)              store                         node B (survivor)
 *   every NODE_HEARTBEAT_MS ─▶ alive[A] = now + NODE_DEAD_AFTER_MS
 *   join: track(A, room, conn) ─▶ memberships[A] += (room, conn, user)   (before addMember)
 *   leave: removeMember, then untrack(A, room, conn)
 *   ── A dies ──                 alive[A] < now ◀──────────── deadNodes(now)
 *                                memberships[A] ◀──────────── removeMember each, untrack each
 *                                alive[A] removed ◀─────────── forget(A, now)
 *
 * Tracking is written ahead of the membership it records, so a crash between the two leaves
 * an entry whose removal is a no-op (removeMember is idempotent), never a member nobody can
 * find. A node that was only slow (its record lapsed or was reaped) learns it from its next
 * heartbeat (`late`) and records its memberships again. Reaping is not atomic with the
 * node's beats (other slots): a slow node may beat again while a survivor is removing its
 * memberships, so the reaper marks it after every page it removes (markReaped), and the
 * mark makes the node's next beat `late` whatever its record says.
 *
 * Every method may reject with StoreUnavailableError. Each is atomic on its own.
 */
export interface NodeMembership {
  roomId: string;
  userId: string;
  connId: string;
}

export type HeartbeatResult =
  /** The node's record was live: nothing was lost. */
  | 'alive'
  /** No live record (first beat, or it lapsed), or memberships were reaped: re-record them. */
  | 'late';

export interface NodeRegistry {
  /** Marks `nodeId` alive until `now + ttlMs`. */
  heartbeat(nodeId: string, now: number, ttlMs: number): Promise<HeartbeatResult>;

  /** Records that `nodeId` holds this membership. Idempotent per (node, room, connection). */
  track(nodeId: string, membership: NodeMembership): Promise<void>;

  /** Forgets one membership of `nodeId`. Idempotent. */
  untrack(nodeId: string, roomId: string, connId: string): Promise<void>;

  /** Nodes whose record lapsed before `now` (dead, or so slow they count as dead). */
  deadNodes(now: number, limit: number): Promise<string[]>;

  /** Up to `limit` memberships `nodeId` still holds. */
  memberships(nodeId: string, limit: number): Promise<NodeMembership[]>;

  /**
   * Records that some of `nodeId`'s memberships were removed: its next heartbeat answers
   * `late` even if its record is live (it beat while it was being reaped), so it records its
   * live memberships again. Called by the reaper after each page it removes.
   */
  markReaped(nodeId: string): Promise<void>;

  /**
   * Removes the node's record (and its reaped mark) if it is still lapsed at `now` (a node that beat again in
   * the meantime is left alone). Idempotent; true when the record is gone.
   */
  forget(nodeId: string, now: number): Promise<boolean>;
}
