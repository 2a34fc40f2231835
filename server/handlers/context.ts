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
import type { CurfewRule } from '../domain/curfew.js';
import type { Clock } from '../domain/clock.js';
import type { CodeService } from '../services/codes/code-service.js';
import type { KaraokeService } from '../services/packets/karaoke-service.js';
import type { NearbyService } from '../services/fences/nearby-service.js';
import type { PacketService } from '../services/packets/packet-service.js';
import type { PhraseService } from '../services/packets/phrase-service.js';
import type { RainService } from '../services/rains/rain-service.js';
import type { ReceiveService } from '../services/codes/receive-service.js';
import type { RoomService } from '../services/rooms/room-service.js';

export type GameSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What event handlers may use. */
export interface HandlerServices {
  clock: Clock;
  rooms: RoomService;
  packets: PacketService;
  rains: RainService;
  karaoke: KaraokeService;
  codes: CodeService;
  receive: ReceiveService;
  phrases: PhraseService;
  /** Nearby discovery of location-fenced packets. */
  nearby: NearbyService;
  /** The minors' curfew (curfew-guard.ts guards the money events; chat phrases check it here). */
  curfew: CurfewRule;
}

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
