import type { EventHandlers } from '../transport/game-events.js';
import type { Guards, HandlerServices } from './context.js';
import { socketVia } from './claim-via.js';

/** Claim paths that need no room: a packet's signed code, and one's own exclusive packets. */
export function codeHandlers(
  s: HandlerServices,
  g: Guards,
): Pick<EventHandlers, 'code:claim' | 'packet:open'> {
  return {
    // The risk gate is the claim's own (PacketService.grab), as on every claim path.
    'code:claim': g.curfew((ctx, { code, location }) =>
      s.codes.claim(ctx.user, code, location, socketVia(ctx)),
    ),
    'packet:open': g.curfew((ctx, { packetId }) => s.receive.open(ctx.user, packetId, socketVia(ctx))),
  };
}
