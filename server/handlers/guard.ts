/**
 * Guards: checks around one event's handler, declared where the handler is declared, so what
 * runs before and after an event reads in one place:
 *
 *   'rain:schedule': guarded(g.curfew, …)(async (ctx, payload) => …)
 *
 * The first guard is the outermost: it runs first and sees the outcome last.
 */
import type { ClientEventName } from '@red-packet/sdk/protocol';
import type { EventHandler } from '../transport/game-events.js';

/** A check around one event's handler: it may refuse before it runs, or act on its outcome. */
export type Guard<E extends ClientEventName> = (handler: EventHandler<E>) => EventHandler<E>;

/** `guarded(a, b)(handler)`: `a` runs first, then `b`, then `handler`. */
export function guarded<E extends ClientEventName>(...guards: Guard<E>[]): Guard<E> {
  return (handler) => guards.reduceRight<EventHandler<E>>((inner, guard) => guard(inner), handler);
}
