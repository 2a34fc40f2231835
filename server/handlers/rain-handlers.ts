import type { EventHandlers } from '../transport/game-events.js';
import type { Guards, HandlerServices } from './context.js';
import { guarded } from './guard.js';
import { requireJoined } from './room-handlers.js';

export function rainHandlers(
  s: HandlerServices,
  g: Guards,
): Pick<EventHandlers, 'rain:schedule' | 'rain:cancel' | 'drop:grab'> {
  return {
    'rain:schedule': g.curfew(async (ctx, { roomId, ...spec }) => {
      requireJoined(ctx, roomId);
      return { rain: await s.rains.schedule(ctx.user, roomId, spec) };
    }),

    'rain:cancel': (ctx, { rainId }) => s.rains.cancel(ctx.user, rainId),

    'drop:grab': guarded(
      g.curfew,
      g.risk.dropGrab,
    )(async (ctx, { rainId, dropId }) => {
      requireJoined(ctx, await s.rains.roomOf(rainId));
      return s.rains.grab(ctx.user, rainId, dropId);
    }),
  };
}
