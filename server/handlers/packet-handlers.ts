import type { EventHandlers } from '../transport/game-events.js';
import type { Guards, HandlerServices } from './context.js';
import { guarded } from './guard.js';
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

    // A fenced packet is for whoever is inside its fence, in its room or not (the drifting
    // 同城 packet found by packet:nearby): its fence, checked in the grab step, decides.
    'packet:grab': guarded(
      g.curfew,
      g.risk.packetGrab,
    )(async (ctx, { packetId, location }) => {
      const { roomId, fenced } = await s.packets.audienceOf(packetId);
      if (!fenced) requireJoined(ctx, roomId);
      return s.packets.grab(ctx.user, packetId, location ? { location } : undefined, ctx.socket.id);
    }),

    'packet:nearby': (_ctx, search) => s.nearby.search(search),

    'packet:cancel': (ctx, { packetId }) => s.packets.cancel(ctx.user, packetId),
  };
}
