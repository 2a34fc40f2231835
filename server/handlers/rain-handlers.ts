import type { EventHandlers } from '../transport/game-events.js';
import type { Guards, HandlerServices } from './context.js';
import { roomGrabVia } from './claim-via.js';
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

    // The room check and the risk gate are the claim's own (RainService.grab).
    'drop:grab': g.curfew((ctx, { rainId, dropId }) =>
      s.rains.grab(ctx.user, rainId, dropId, roomGrabVia(ctx)),
    ),
  };
}
