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

export class Presence {
  private dirty = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly broadcaster: Broadcaster,
    private readonly nodeId: string,
  ) {}

  /** Records one connection in a room (idempotent); resolves with the room's user count. */
  async add(m: NodeMembership): Promise<number> {
    await this.store.nodes.track(this.nodeId, m);
    const members = await this.store.rooms.addMember(m.roomId, m.userId, m.connId);
    this.markDirty(m.roomId);
    return members;
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
        this.broadcaster.toRoom(roomId, 'room:presence', { roomId, members });
      }),
    );
  }
}
