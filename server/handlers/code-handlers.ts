import type { EventHandlers } from '../transport/game-events.js';
import type { Guards, HandlerServices } from './context.js';
import { guarded } from './guard.js';

/** Claim paths that need no room: a packet's signed code, and one's own exclusive packets. */
export function codeHandlers(
  s: HandlerServices,
  g: Guards,
): Pick<EventHandlers, 'code:claim' | 'packet:open'> {
  return {
    'code:claim': guarded(
      g.curfew,
      g.risk.codeClaim,
    )((ctx, { code, location }) => s.codes.claim(ctx.user, code, location)),
    'packet:open': g.curfew((ctx, { packetId }) => s.receive.open(ctx.user, packetId)),
  };
}
