/**
 * Coalesces packet grabs into one `packet:grabbed` per ROOM per flush (GRAB_BATCH_MS, 50 ms)
 * carrying, for every packet of that room grabbed since the last one, its new claims and its
 * shares left — instead of one broadcast per grab, or per packet: a busy room with many
 * packets open costs the same room-wide message rate as a room with one.
 *
 * A room's message rate also shrinks with its size (issue 24): each room has a budget of
 * deliveries a second from this node (GRAB_ROOM_DELIVERIES_PER_SEC, messages × members), so
 * a room of `members` gets a batch at most every max(GRAB_BATCH_MS, 1000 × members ÷ budget)
 * ms, never less often than every MAX_INTERVAL_MS: with the default 50,000, a room of 2,500
 * or fewer hears every 50 ms, 10,000 members every 200 ms, 50,000 members once a second.
 *
 * A room's pending grabs are flushed before any of its packets' `packet:finished`, so a
 * client always sees a packet's last claims before its end.
 */
import type { ClaimView, PacketGrabbedEvent, PacketGrabs } from '@red-packet/sdk/protocol';
import type { Broadcaster } from '../runtime/broadcaster.js';

/** The longest a room waits for its grabs, however crowded. */
export const MAX_INTERVAL_MS = 2_000;

export interface RoomBudget {
  /** The room's member count as this node last saw it (undefined: not known). */
  members(roomId: string): number | undefined;
  /** Deliveries (messages × members) a second one room may get from this node. */
  deliveriesPerSec: number;
  /** The flush period, ms (GRAB_BATCH_MS): the shortest interval. */
  batchMs: number;
  now(): number;
}

export class GrabBatcher {
  private pending = new Map<string, Map<string, PacketGrabs>>();
  /** When each room may next be sent a batch (rooms sent to recently). */
  private nextAt = new Map<string, number>();

  /** @param budget each room's message budget; without one, every flush sends every room */
  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly budget?: RoomBudget,
  ) {}

  /** How long a room waits between batches, by its size (see the header). */
  intervalMs(roomId: string): number {
    const b = this.budget;
    if (!b) return 0;
    const members = b.members(roomId) ?? 0;
    return Math.min(MAX_INTERVAL_MS, Math.max(b.batchMs, (1000 * members) / b.deliveriesPerSec));
  }

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

  /** Sends every pending batch whose room's interval has passed: one message per room. */
  flush(): void {
    const now = this.budget?.now() ?? 0;
    for (const [roomId, room] of this.pending) {
      if ((this.nextAt.get(roomId) ?? 0) > now) continue;
      this.pending.delete(roomId);
      this.send(roomId, room);
    }
    // Forget rooms whose wait is over and that have nothing pending (bounded by busy rooms).
    for (const [roomId, at] of this.nextAt)
      if (at <= now && !this.pending.has(roomId)) this.nextAt.delete(roomId);
  }

  /** Sends every pending batch now, whatever the budget (at shutdown). */
  flushAll(): void {
    const rooms = this.pending;
    this.pending = new Map();
    for (const [roomId, room] of rooms) this.send(roomId, room);
  }

  private send(roomId: string, room: Map<string, PacketGrabs>): void {
    const event: PacketGrabbedEvent = { roomId, packets: [...room.values()] };
    this.broadcaster.toRoom(roomId, 'packet:grabbed', event);
    if (this.budget) {
      const interval = this.intervalMs(roomId);
      if (interval > this.budget.batchMs) this.nextAt.set(roomId, this.budget.now() + interval);
    }
  }
}
