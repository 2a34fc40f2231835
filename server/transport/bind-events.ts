/**
 * Binds the event handlers to one socket, with the same edge for every event:
 *   no ack callback → ignored · over the socket's or the user's rate → RATE_LIMITED · schema refuses →
 *   INVALID_PAYLOAD · handler throws → its code (unexpected errors: INTERNAL, logged).
 * Exactly one ack per event; nothing a client sends can throw out of here.
 */
import type { ErrorCode } from '@red-packet/sdk/codes';
import type { AckErrorDetails, ClientEventName } from '@red-packet/sdk/protocol';
import { describeIssues, eventSchemas } from '@red-packet/sdk/schemas';
import type { Identity } from '../auth/tokens.js';
import type { Clock } from '../domain/clock.js';
import { TokenBucket } from '../domain/rate-limit.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventContext, EventHandlers, GameSocket } from './game-events.js';
import { toAckError } from '../services/runtime/ack-errors.js';

export interface RateLimits {
  /** Per socket. */
  eventsPerSec: number;
  eventsBurst: number;
  chatPerSec: number;
  /** Per user, across all of the user's sockets on this node. */
  userEventsPerSec: number;
  userEventsBurst: number;
}

/** A user's shared event budget and how many of their sockets use it. */
interface UserBudget {
  bucket: TokenBucket;
  sockets: number;
}

export interface BindDeps {
  handlers: EventHandlers;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  rateLimit: RateLimits;
}

type RawAck = (res: unknown) => void;

interface BoundEvent {
  handler: (ctx: EventContext, payload: unknown) => Promise<object>;
  schema: (typeof eventSchemas)[ClientEventName];
}

/**
 * Prepares the handlers once; the binder it returns wires one socket with a single `onAny`
 * listener (not one listener per event: a connection holds one closure and one listener
 * slot instead of one per event, which is memory per idle connection). Events nobody handles
 * are ignored, as before.
 */
export interface EventBinder {
  /** Wires `socket`'s events, for `user`. */
  bind(socket: GameSocket, user: Identity): void;
  /**
   * The socket is going: gives back its share of the user's budget. Called by the node's one
   * disconnect handler (socket-server.ts), so no socket holds a listener of its own for this.
   */
  release(user: Identity): void;
}

export function createEventBinder(deps: BindDeps): EventBinder {
  const { clock, log, metrics } = deps;
  const table = new Map<string, BoundEvent>();
  for (const event of Object.keys(deps.handlers) as ClientEventName[]) {
    // Each handler receives exactly what its own schema parsed.
    table.set(event, {
      handler: deps.handlers[event] as BoundEvent['handler'],
      schema: eventSchemas[event],
    });
  }

  // One budget per user across their sockets here: N sockets do not get N budgets. Found once
  // per socket at bind time, so an event costs one more bucket take and no lookup.
  const budgets = new Map<string, UserBudget>();
  const { rateLimit } = deps;

  /** An error ack, counted (made only when an event fails: nothing per event that succeeds). */
  const fail = (
    reply: RawAck,
    name: ClientEventName,
    code: ErrorCode,
    message: string,
    details?: AckErrorDetails,
  ): void => {
    metrics.events.inc({ event: name, outcome: code });
    metrics.errors.inc({ code });
    reply({ ok: false, error: { code, message, ...details } });
  };

  const release = (user: Identity): void => {
    const shared = budgets.get(user.userId);
    if (!shared) return;
    shared.sockets -= 1;
    if (shared.sockets <= 0) budgets.delete(user.userId);
  };

  const bind = (socket: GameSocket, user: Identity): void => {
    const events = new TokenBucket(rateLimit.eventsPerSec, rateLimit.eventsBurst, clock.now());
    // Made at the socket's first chat message: most connections never chat (memory per connection).
    let chat: TokenBucket | undefined;
    let budget = budgets.get(user.userId);
    if (!budget) {
      budget = {
        bucket: new TokenBucket(rateLimit.userEventsPerSec, rateLimit.userEventsBurst, clock.now()),
        sockets: 0,
      };
      budgets.set(user.userId, budget);
    }
    const shared = budget;
    shared.sockets += 1;
    const ctx = { socket, user };
    socket.onAny((event: string, payload: unknown, ack: unknown) => {
      const bound = table.get(event);
      if (!bound || typeof ack !== 'function') return; // every event takes an ack; without one, ignore
      const reply = ack as RawAck;
      const name = event as ClientEventName;
      const now = clock.now();
      if (
        !events.take(now) ||
        (name === 'chat:send' &&
          !(chat ??= new TokenBucket(rateLimit.chatPerSec, rateLimit.chatPerSec * 5, now)).take(now))
      ) {
        metrics.rateLimited.inc({ scope: 'events_socket' });
        fail(reply, name, 'RATE_LIMITED', 'too many requests; slow down');
        return;
      }
      if (!shared.bucket.take(now)) {
        metrics.rateLimited.inc({ scope: 'events_user' });
        fail(reply, name, 'RATE_LIMITED', 'too many requests from this user; slow down');
        return;
      }
      const parsed = bound.schema.safeParse(payload);
      if (!parsed.success) {
        fail(reply, name, 'INVALID_PAYLOAD', describeIssues(parsed.error));
        return;
      }
      bound.handler(ctx, parsed.data).then(
        (result) => {
          metrics.eventOk(name);
          reply({ ok: true, ...result });
        },
        (err: unknown) => {
          const { code, message, ...details } = toAckError(err, log, { event: name, userId: user.userId });
          fail(reply, name, code, message, details);
        },
      );
    });
  };

  return { bind, release };
}
