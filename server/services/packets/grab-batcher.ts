/**
 * Coalesces packet grabs into one `packet:grabbed` per ROOM per flush (GRAB_BATCH_MS, 50 ms)
 * carrying, for every packet of that room grabbed since the last one, its new claims and its
 * shares left — instead of one broadcast per grab, or per packet: a busy room with many
 * packets open costs the same room-wide message rate as a room with one.
 * A room's pending grabs are flushed before any of its packets' `packet:finished`, so a
 * client always sees a packet's last claims before its end.
 */
import type { ClaimView, PacketGrabbedEvent, PacketGrabs } from '@red-packet/sdk/protocol';
import type { Broadcaster } from '../runtime/broadcaster.js';

export class GrabBatcher {
  private pending = new Map<string, Map<string, PacketGrabs>>();

  constructor(private readonly broadcaster: Broadcaster) {}

  add(packetId: string, roomId: string, grab: ClaimView, remainingCount: number): void {
    let room = this.pending.get(roomId);
    if (!room) {
      room = new Map();
      this.pending.set(roomId, room);
    }
    const batch = room.get(packetId);
    if (batch) {
      batch.grabs.push(grab);
      // Grabs can finish out of order; the smallest count seen is the latest state.
      batch.remainingCount = Math.min(batch.remainingCount, remainingCount);
    } else {
      room.set(packetId, { packetId, grabs: [grab], remainingCount });
    }
  }

  /** Sends one room's pending grabs now (before announcing the end of one of its packets). */
  flushRoom(roomId: string): void {
    const room = this.pending.get(roomId);
    if (!room) return;
    this.pending.delete(roomId);
    this.send(roomId, room);
  }

  /** Sends every pending batch: one message per room. */
  flush(): void {
    const rooms = this.pending;
    this.pending = new Map();
    for (const [roomId, room] of rooms) this.send(roomId, room);
  }

  private send(roomId: string, room: Map<string, PacketGrabs>): void {
    const event: PacketGrabbedEvent = { roomId, packets: [...room.values()] };
    this.broadcaster.toRoom(roomId, 'packet:grabbed', event);
  }
}
