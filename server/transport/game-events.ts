/**
 * The contract between the socket edge and the event handlers: what a handler receives (the
 * socket and its signed-in user, the payload its schema parsed) and what it answers. The edge
 * (bind-events.ts) runs the schema, the rate limit and the ack; a handler only resolves or
 * throws.
 */
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type {
  ClientEventName,
  ClientToServerEvents,
  EventResult,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from '@red-packet/sdk/protocol';
import type { eventSchemas } from '@red-packet/sdk/schemas';
import type { Identity } from '../auth/tokens.js';

export type GameSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface EventContext {
  socket: GameSocket;
  user: Identity;
}

/** An event's payload after its schema accepted it. */
export type ParsedPayload<E extends ClientEventName> = z.output<(typeof eventSchemas)[E]>;

/** Handles one valid event; resolves with the ack result or throws a GameError. */
export type EventHandler<E extends ClientEventName> = (
  ctx: EventContext,
  payload: ParsedPayload<E>,
) => Promise<EventResult<E>>;

export type EventHandlers = { [E in ClientEventName]: EventHandler<E> };
