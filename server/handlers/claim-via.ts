/** How a claim made over a socket reached the server (services/risk/claim-risk.ts ClaimVia). */
import type { ClaimVia } from '../services/risk/claim-risk.js';
import { roomTopic } from '../services/runtime/broadcaster.js';
import type { EventContext } from '../transport/game-events.js';

/** The socket's address and device, for the risk gate's account clustering. */
export function socketVia(ctx: EventContext): ClaimVia {
  return { ip: ctx.socket.data.ip, deviceId: ctx.socket.data.deviceId };
}

/**
 * A room grab's: also the room check (whether this socket has joined the packet's or rain's
 * room) and, for a packet, the grabbing connection (its ack carries the new balance).
 */
export function roomGrabVia(ctx: EventContext): ClaimVia {
  const { socket } = ctx;
  const { ip, deviceId } = socket.data;
  // One object, no spread; the socket's rooms are read only when the check runs (socket.rooms
  // is a lookup in the adapter, not a field).
  return { ip, deviceId, conn: socket.id, inRoom: (roomId: string) => socket.rooms.has(roomTopic(roomId)) };
}
