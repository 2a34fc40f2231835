import type { EventHandlers, HandlerServices } from './context.js';
import { requireJoined } from './room-handlers.js';

export function rainHandlers(
  s: HandlerServices,
): Pick<EventHandlers, 'rain:schedule' | 'rain:cancel' | 'drop:grab'> {
  return {
    'rain:schedule': async (ctx, { roomId, ...spec }) => {
      requireJoined(ctx, roomId);
      return { rain: await s.rains.schedule(ctx.user, roomId, spec) };
    },

    'rain:cancel': (ctx, { rainId }) => s.rains.cancel(ctx.user, rainId),

    'drop:grab': async (ctx, { rainId, dropId }) => {
      requireJoined(ctx, await s.rains.roomOf(rainId));
      return s.rains.grab(ctx.user, rainId, dropId);
    },
  };
}
