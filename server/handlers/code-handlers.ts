import type { EventHandlers, HandlerServices } from './context.js';

/** Claim paths that need no room: a packet's signed code, and one's own exclusive packets. */
export function codeHandlers(s: HandlerServices): Pick<EventHandlers, 'code:claim' | 'packet:open'> {
  return {
    'code:claim': (ctx, { code, location }) => s.codes.claim(ctx.user, code, location),
    'packet:open': (ctx, { packetId }) => s.receive.open(ctx.user, packetId),
  };
}
