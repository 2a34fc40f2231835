import type { EventHandlers, HandlerServices } from './context.js';
import { requireJoined } from './room-handlers.js';

export function packetHandlers(
  s: HandlerServices,
): Pick<EventHandlers, 'packet:send' | 'packet:grab' | 'packet:cancel'> {
  return {
    'packet:send': async (ctx, { roomId, ...spec }) => {
      requireJoined(ctx, roomId);
      return { packet: await s.packets.send(ctx.user, roomId, spec) };
    },

    'packet:grab': async (ctx, { packetId }) => {
      requireJoined(ctx, await s.packets.roomOf(packetId));
      return s.packets.grab(ctx.user, packetId, undefined, ctx.socket.id);
    },

    'packet:cancel': (ctx, { packetId }) => s.packets.cancel(ctx.user, packetId),
  };
}
