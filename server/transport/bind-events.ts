/**
 * Binds the event handlers to one socket, with the same edge for every event:
 *   no ack callback → ignored · over the rate → RATE_LIMITED · schema refuses →
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
  eventsPerSec: number;
  eventsBurst: number;
  chatPerSec: number;
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
export function createEventBinder(deps: BindDeps): (socket: GameSocket, user: Identity) => void {
  const { clock, log, metrics } = deps;
  const table = new Map<string, BoundEvent>();
  for (const event of Object.keys(deps.handlers) as ClientEventName[]) {
    // Each handler receives exactly what its own schema parsed.
    table.set(event, {
      handler: deps.handlers[event] as BoundEvent['handler'],
      schema: eventSchemas[event],
    });
  }

  return (socket, user) => {
    const events = new TokenBucket(deps.rateLimit.eventsPerSec, deps.rateLimit.eventsBurst, clock.now());
    const chat = new TokenBucket(deps.rateLimit.chatPerSec, deps.rateLimit.chatPerSec * 5, clock.now());
    const ctx = { socket, user };
    socket.onAny((event: string, payload: unknown, ack: unknown) => {
      const bound = table.get(event);
      if (!bound || typeof ack !== 'function') return; // every event takes an ack; without one, ignore
      const reply = ack as RawAck;
      const name = event as ClientEventName;
      const fail = (code: ErrorCode, message: string, details?: AckErrorDetails): void => {
        metrics.events.inc({ event: name, outcome: code });
        metrics.errors.inc({ code });
        reply({ ok: false, error: { code, message, ...details } });
      };
      const now = clock.now();
      if (!events.take(now) || (name === 'chat:send' && !chat.take(now))) {
        fail('RATE_LIMITED', 'too many requests; slow down');
        return;
      }
      const parsed = bound.schema.safeParse(payload);
      if (!parsed.success) {
        fail('INVALID_PAYLOAD', describeIssues(parsed.error));
        return;
      }
      bound.handler(ctx, parsed.data).then(
        (result) => {
          metrics.events.inc({ event: name, outcome: 'ok' });
          reply({ ok: true, ...result });
        },
        (err: unknown) => {
          const { code, message, ...details } = toAckError(err, log, { event: name, userId: user.userId });
          fail(code, message, details);
        },
      );
    });
  };
}
