/**
 * Binds the event handlers to one socket, with the same edge for every event:
 *   no ack callback → ignored · over the rate → RATE_LIMITED · schema refuses →
 *   INVALID_PAYLOAD · handler throws → its code (unexpected errors: INTERNAL, logged).
 * Exactly one ack per event; nothing a client sends can throw out of here.
 */
import type { ErrorCode } from '@red-packet/sdk/codes';
import type { AckError, ClientEventName } from '@red-packet/sdk/protocol';
import { describeIssues, eventSchemas } from '@red-packet/sdk/schemas';
import type { Identity } from '../auth/tokens.js';
import type { Clock } from '../domain/clock.js';
import { TokenBucket } from '../domain/rate-limit.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventContext, EventHandlers, GameSocket } from './context.js';
import { toAckError } from './to-error.js';

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

export function bindEvents(socket: GameSocket, user: Identity, deps: BindDeps): void {
  const { clock, log, metrics } = deps;
  const events = new TokenBucket(deps.rateLimit.eventsPerSec, deps.rateLimit.eventsBurst, clock.now());
  const chat = new TokenBucket(deps.rateLimit.chatPerSec, deps.rateLimit.chatPerSec * 5, clock.now());
  const ctx = { socket, user };

  const bind = (event: ClientEventName): void => {
    // Each handler receives exactly what its own schema parsed.
    const handler = deps.handlers[event] as (ctx: EventContext, payload: unknown) => Promise<object>;
    const schema = eventSchemas[event];
    const listener = (payload: unknown, ack: unknown): void => {
      if (typeof ack !== 'function') return; // every event takes an ack; without one, ignore
      const reply = ack as RawAck;
      const fail = (code: ErrorCode, message: string, details?: Omit<AckError, 'code' | 'message'>): void => {
        metrics.events.inc({ event, outcome: code });
        metrics.errors.inc({ code });
        reply({ ok: false, error: { code, message, ...details } });
      };
      const now = clock.now();
      if (!events.take(now) || (event === 'chat:send' && !chat.take(now))) {
        fail('RATE_LIMITED', 'too many requests; slow down');
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        fail('INVALID_PAYLOAD', describeIssues(parsed.error));
        return;
      }
      handler(ctx, parsed.data).then(
        (result) => {
          metrics.events.inc({ event, outcome: 'ok' });
          reply({ ok: true, ...result });
        },
        (err: unknown) => {
          const { code, message, ...details } = toAckError(err, log, { event, userId: user.userId });
          fail(code, message, details);
        },
      );
    };
    (socket as unknown as { on(e: string, l: (p: unknown, a: unknown) => void): void }).on(event, listener);
  };

  for (const event of Object.keys(deps.handlers) as ClientEventName[]) bind(event);
}
