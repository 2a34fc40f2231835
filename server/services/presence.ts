/**
 * Coalesced member counts: joins and leaves only mark a room dirty; a flush (every
 * PRESENCE_INTERVAL_MS) sends one `room:presence` per dirty room. A crowded room costs one
 * broadcast per interval, however many people come and go.
 */
import type { Store } from '../store/store.js';
import type { Broadcaster } from './broadcaster.js';

export class Presence {
  private dirty = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly broadcaster: Broadcaster,
  ) {}

  markDirty(roomId: string): void {
    this.dirty.add(roomId);
  }

  /** Broadcasts the current count of every room marked since the last flush. */
  async flush(): Promise<void> {
    const rooms = this.dirty;
    this.dirty = new Set();
    await Promise.all(
      [...rooms].map(async (roomId) => {
        const members = await this.store.memberCount(roomId);
        this.broadcaster.toRoom(roomId, 'room:presence', { roomId, members });
      }),
    );
  }
}
