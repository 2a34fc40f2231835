/**
 * Room membership as the room sees it: who is here, counted per user across connections.
 *
 * Joins and leaves go through here so that each is also recorded against this node in the
 * store's node registry (written ahead of the membership), which lets survivors reap the
 * members of a node that crashed (node-reaper.ts).
 *
 * Counts are coalesced: joins and leaves only mark a room dirty; a flush (every
 * PRESENCE_INTERVAL_MS) sends one `room:presence` per dirty room. A crowded room costs one
 * broadcast per interval, however many people come and go.
 */
import type { NodeMembership } from '../../store/nodes/node-registry.js';
import type { Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';

/** Rooms whose last count is remembered before the memory starts over. */
const COUNTS_LIMIT = 100_000;

export class Presence {
  private dirty = new Set<string>();
  /** Each room's user count as this node last learned it (a join's answer or a flush). */
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly broadcaster: Broadcaster,
    private readonly nodeId: string,
  ) {}

  /** Records one connection in a room (idempotent); resolves with the room's user count. */
  async add(m: NodeMembership): Promise<number> {
    await this.store.nodes.track(this.nodeId, m);
    const members = await this.store.rooms.addMember(m.roomId, m.userId, m.connId);
    this.remember(m.roomId, members);
    this.markDirty(m.roomId);
    return members;
  }

  /** The room's user count as this node last learned it, without a store call. */
  members(roomId: string): number | undefined {
    return this.counts.get(roomId);
  }

  private remember(roomId: string, members: number): void {
    if (this.counts.size >= COUNTS_LIMIT && !this.counts.has(roomId)) this.counts.clear();
    this.counts.set(roomId, members);
  }

  /** Removes one connection from a room (idempotent). */
  async remove(m: NodeMembership): Promise<void> {
    await this.store.rooms.removeMember(m.roomId, m.userId, m.connId);
    this.markDirty(m.roomId);
    await this.store.nodes.untrack(this.nodeId, m.roomId, m.connId);
  }

  markDirty(roomId: string): void {
    this.dirty.add(roomId);
  }

  /** Broadcasts the current count of every room marked since the last flush. */
  async flush(): Promise<void> {
    const rooms = this.dirty;
    this.dirty = new Set();
    await Promise.all(
      [...rooms].map(async (roomId) => {
        const members = await this.store.rooms.memberCount(roomId);
        this.remember(roomId, members);
        this.broadcaster.toRoom(roomId, 'room:presence', { roomId, members });
      }),
    );
  }
}
