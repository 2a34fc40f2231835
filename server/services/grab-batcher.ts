/**
 * Coalesces packet grabs into one `packet:grabbed` per packet per flush (GRAB_BATCH_MS,
 * 50 ms) with every grab since the last one, instead of one broadcast per grab: a big packet
 * contested by a crowd costs a handful of room messages, not one per share per member.
 * A packet's pending grabs are flushed before its `packet:finished`, so order holds.
 */
import type { ClaimView, PacketGrabbedEvent } from '../../shared/protocol.js';
import type { Broadcaster } from './broadcaster.js';

export class GrabBatcher {
  private pending = new Map<string, PacketGrabbedEvent>();

  constructor(private readonly broadcaster: Broadcaster) {}

  add(packetId: string, roomId: string, grab: ClaimView, remainingCount: number): void {
    const batch = this.pending.get(packetId);
    if (batch) {
      batch.grabs.push(grab);
      // Grabs can finish out of order; the smallest count seen is the latest state.
      batch.remainingCount = Math.min(batch.remainingCount, remainingCount);
    } else {
      this.pending.set(packetId, { packetId, roomId, grabs: [grab], remainingCount });
    }
  }

  /** Sends one packet's pending grabs now (before announcing its end). */
  flushPacket(packetId: string): void {
    const batch = this.pending.get(packetId);
    if (!batch) return;
    this.pending.delete(packetId);
    this.broadcaster.toRoom(batch.roomId, 'packet:grabbed', batch);
  }

  /** Sends every pending batch. */
  flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    for (const batch of batches.values()) this.broadcaster.toRoom(batch.roomId, 'packet:grabbed', batch);
  }
}
