import type { EventContext, EventHandlers } from '../transport/game-events.js';
import type { HandlerServices } from './context.js';
import { requireJoined } from './room-handlers.js';

/** Room members only — except for a fenced packet, which is for whoever is inside its fence. */
async function requireAudience(s: HandlerServices, ctx: EventContext, packetId: string): Promise<void> {
  const { roomId, fenced } = await s.packets.audienceOf(packetId);
  if (!fenced) requireJoined(ctx, roomId);
}

export function karaokeHandlers(
  s: HandlerServices,
): Pick<EventHandlers, 'karaoke:start' | 'karaoke:progress'> {
  return {
    'karaoke:start': async (ctx, { packetId }) => {
      await requireAudience(s, ctx, packetId);
      return s.karaoke.start(ctx.user, packetId);
    },

    'karaoke:progress': async (ctx, { packetId, positionMs }) => {
      await requireAudience(s, ctx, packetId);
      return s.karaoke.progress(ctx.user, packetId, positionMs);
    },
  };
}
