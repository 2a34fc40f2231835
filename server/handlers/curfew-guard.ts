/**
 * The minors' curfew at the edge (domain/curfew.ts): a money-moving event or route of a minor
 * is refused CURFEW during the configured hours, before its handler runs, so nothing moves.
 * Which events and routes move money is declared with each (packet-handlers.ts,
 * rain-handlers.ts, code-handlers.ts, http-routes.ts, code-routes.ts). Chat stays open, but a
 * password packet's phrase said in chat grabs nothing for a minor then (room-handlers.ts).
 */
import type { ClientEventName } from '@red-packet/sdk/protocol';
import type { Clock } from '../domain/clock.js';
import { checkCurfew, type CurfewRule } from '../domain/curfew.js';
import type { EventHandler } from '../transport/game-events.js';
import type { Route } from '../transport/http-router.js';

/** The curfew around an event handler, or (`route`) around an HTTP route's handler. */
export interface CurfewGuard {
  <E extends ClientEventName>(handler: EventHandler<E>): EventHandler<E>;
  route(route: Route): Route;
}

export function curfewGuard(rule: CurfewRule, clock: Clock): CurfewGuard {
  const event =
    <E extends ClientEventName>(handler: EventHandler<E>): EventHandler<E> =>
    async (ctx, payload) => {
      checkCurfew(ctx.user.minor, clock.now(), rule);
      return handler(ctx, payload);
    };
  const route = (inner: Route): Route => ({
    ...inner,
    handle: async (ctx) => {
      checkCurfew(ctx.user.minor, clock.now(), rule);
      return inner.handle(ctx);
    },
  });
  return Object.assign(event, { route });
}

/** No curfew: for reading the route table without running it (the OpenAPI generator). */
export const noCurfew: CurfewGuard = Object.assign(
  <E extends ClientEventName>(handler: EventHandler<E>): EventHandler<E> => handler,
  { route: (route: Route): Route => route },
);
