import type { EventHandlers, HandlerServices } from './context.js';
import { requireJoined } from './room-handlers.js';

export function karaokeHandlers(
  s: HandlerServices,
): Pick<EventHandlers, 'karaoke:start' | 'karaoke:progress'> {
  return {
    'karaoke:start': async (ctx, { packetId }) => {
      requireJoined(ctx, await s.packets.roomOf(packetId));
      return s.karaoke.start(ctx.user, packetId);
    },

    'karaoke:progress': async (ctx, { packetId, positionMs }) => {
      requireJoined(ctx, await s.packets.roomOf(packetId));
      return s.karaoke.progress(ctx.user, packetId, positionMs);
    },
  };
}
