/**
 * The minors' curfew at the edge (domain/curfew.ts): every money-moving event and route of a
 * minor is refused CURFEW during the configured hours, before any handler runs, so nothing
 * moves. Chat stays open, but a password packet's phrase said in chat grabs nothing for a
 * minor then (room-handlers.ts).
 */
import type { ClientEventName } from '@red-packet/sdk/protocol';
import type { Clock } from '../domain/clock.js';
import { checkCurfew, type CurfewRule } from '../domain/curfew.js';
import type { Route } from '../transport/http-router.js';
import type { EventHandlers } from './context.js';

/** Events that move a minor's money: sends, grabs, code claims, opens, drop grabs, rains. */
export const CURFEW_EVENTS = [
  'packet:send',
  'packet:grab',
  'code:claim',
  'packet:open',
  'drop:grab',
  'rain:schedule',
] as const satisfies readonly ClientEventName[];

/** The HTTP equivalents (method + path pattern). */
export const CURFEW_ROUTES = [
  'POST /v1/rooms/:roomId/packets',
  'POST /v1/claims',
  'POST /v1/packets/:packetId/open',
  'POST /v1/receive-codes/pay',
  'POST /v1/rooms/:roomId/rains',
] as const;

export function guardEvents(handlers: EventHandlers, rule: CurfewRule, clock: Clock): EventHandlers {
  const guarded = { ...handlers };
  for (const event of CURFEW_EVENTS) {
    const inner = handlers[event] as (
      ctx: Parameters<EventHandlers[typeof event]>[0],
      p: never,
    ) => Promise<object>;
    (guarded as Record<string, unknown>)[event] = async (
      ctx: Parameters<typeof inner>[0],
      payload: never,
    ) => {
      checkCurfew(ctx.user.minor, clock.now(), rule);
      return inner(ctx, payload);
    };
  }
  return guarded;
}

export function guardRoutes(routes: Route[], rule: CurfewRule, clock: Clock): Route[] {
  const guarded = new Set<string>(CURFEW_ROUTES);
  return routes.map((route) =>
    guarded.has(`${route.method} ${route.path}`)
      ? {
          ...route,
          handle: async (ctx) => {
            checkCurfew(ctx.user.minor, clock.now(), rule);
            return route.handle(ctx);
          },
        }
      : route,
  );
}
