import type { EventHandlers } from '../transport/game-events.js';
import type { Guards, HandlerServices } from './context.js';
import { roomGrabVia } from './claim-via.js';
import { requireJoined } from './room-handlers.js';

export function packetHandlers(
  s: HandlerServices,
  g: Guards,
): Pick<EventHandlers, 'packet:send' | 'packet:grab' | 'packet:cancel' | 'packet:nearby'> {
  return {
    'packet:send': g.curfew(async (ctx, { roomId, ...spec }) => {
      requireJoined(ctx, roomId);
      return { packet: await s.packets.send(ctx.user, roomId, spec) };
    }),

    // The room check (fenced packets excepted) and the risk gate are the claim's own
    // (PacketService.grab), so every way to claim a packet passes them.
    'packet:grab': g.curfew((ctx, { packetId, location }) =>
      s.packets.grab(ctx.user, packetId, location ? { location } : undefined, roomGrabVia(ctx)),
    ),

    'packet:nearby': (_ctx, search) => s.nearby.search(search),

    'packet:cancel': (ctx, { packetId }) => s.packets.cancel(ctx.user, packetId),
  };
}
