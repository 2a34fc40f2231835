/**
 * socket.io on top of uWS (or node:http for comparison): the handshake auth, per-connection
 * setup and teardown, and the Broadcaster the services use.
 */
import { Server, type ServerOptions } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from '@red-packet/sdk/protocol';
import * as msgpackParser from '@red-packet/sdk/msgpack-parser';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { GameError } from '../domain/errors.js';
import { createEventBinder, type BindDeps } from './bind-events.js';
import type { GameSocket } from './game-events.js';
import { slimConnection } from './connection-footprint.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { UserSockets } from './user-sockets.js';
import { roomIdOfTopic, roomTopic, type Broadcaster } from '../services/runtime/broadcaster.js';
import type { NodeRelay } from '../services/cluster/node-relay.js';
import type { RoomService } from '../services/rooms/room-service.js';
import type { NodeMembership } from '../store/nodes/node-registry.js';

export type GameServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * @param allowRequest the handshake's Origin and per-address checks (connection-limits.ts)
 */
export function createSocketServer(
  config: Config,
  adapter?: ServerOptions['adapter'],
  allowRequest?: ServerOptions['allowRequest'],
): GameServer {
  const options: Partial<ServerOptions> = {
    ...(adapter ? { adapter } : {}),
    ...(allowRequest ? { allowRequest } : {}),
    ...socketIoOptions(config),
  };
  return new Server(options);
}

/**
 * The socket.io options the game runs with (also the bench's bare socket.io floor, so the two
 * cannot drift): WebSocket only, the payload and ping limits, the wire format's parser.
 */
export function socketIoOptions(config: Config): Partial<ServerOptions> {
  return {
    // ConnectionLimits closes a socket with no authenticated CONNECT after
    // WS_HANDSHAKE_TIMEOUT_MS (and counts it); socket.io's own timer (45 s by default) is
    // the backstop a second later.
    connectTimeout: config.ws.handshakeTimeoutMs + 1000,
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: config.ws.maxPayloadBytes,
    pingInterval: config.ws.pingIntervalMs,
    pingTimeout: config.ws.pingTimeoutMs,
    ...(config.wireFormat === 'msgpack' ? { parser: msgpackParser } : {}),
  };
}

/**
 * Room events go through the adapter; user events through the relay (delivered here through
 * UserSockets, batched across nodes).
 */
export function socketBroadcaster(io: GameServer, relay: NodeRelay): Broadcaster {
  return {
    toRoom: (roomId, event, ...args) => {
      io.to(roomTopic(roomId)).emit(event, ...args);
    },
    toUser: (userId, event, ...args) => {
      relay.toUser(userId, event, args);
    },
    toUserExcept: (connId, userId, event, ...args) => {
      relay.toUser(userId, event, args, connId);
    },
  };
}

export interface ConnectionDeps extends Omit<BindDeps, 'log'> {
  tokens: TokenService;
  userSockets: UserSockets;
  rooms: RoomService;
  log: Logger;
  metrics: Metrics;
}

/** Authenticates handshakes and wires each connection's events and teardown. */
export function handleConnections(io: GameServer, deps: ConnectionDeps): void {
  const binder = createEventBinder(deps);
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    deps.tokens.verify(auth?.token).then(
      (identity) => {
        socket.data = identity;
        next();
      },
      (err: unknown) => {
        const code = err instanceof GameError ? err.code : 'UNAUTHORIZED';
        const refusal = new Error(code) as Error & { data: { code: string; message: string } };
        refusal.data = { code, message: err instanceof Error ? err.message : 'unauthorized' };
        next(refusal);
      },
    );
  });

  // One listener per socket for its whole teardown (each `once` would hold a wrapper and a
  // closure per connection): the rooms are still readable while it is disconnecting.
  io.on('connection', (socket: GameSocket) => {
    const user = socket.data;
    deps.metrics.connections.inc();
    deps.userSockets.track(socket);
    binder.bind(socket, user);
    slimConnection(socket);
    socket.on('disconnecting', () => {
      deps.metrics.connections.dec();
      deps.userSockets.untrack(socket);
      binder.release(user);
      for (const topic of socket.rooms) {
        const roomId = roomIdOfTopic(topic);
        if (roomId === null) continue;
        deps.rooms.leave(user, socket.id, roomId).catch((err: unknown) => {
          deps.log.warn({ err, userId: user.userId }, 'could not record a leave');
        });
      }
    });
  });
}

/**
 * Disconnects sockets whose outbound queue exceeds `limit` bytes: a client that cannot keep
 * up is dropped, not buffered without bound. Returns how many were dropped.
 */
export function dropSlowConsumers(io: GameServer, limit: number, log: Logger): number {
  let dropped = 0;
  for (const socket of io.sockets.sockets.values()) {
    const ws = (socket.conn as unknown as { transport?: { socket?: unknown } }).transport?.socket as
      { getBufferedAmount?: () => number; bufferedAmount?: number } | undefined;
    const buffered = ws?.getBufferedAmount?.() ?? ws?.bufferedAmount ?? 0;
    if (buffered > limit) {
      log.warn({ userId: socket.data.userId, buffered }, 'disconnecting a slow consumer');
      socket.disconnect(true);
      dropped += 1;
    }
  }
  return dropped;
}

/** The room memberships of this node's live sockets (for re-recording after a lapse). */
export function localMemberships(io: GameServer): NodeMembership[] {
  const out: NodeMembership[] = [];
  for (const socket of io.sockets.sockets.values()) {
    for (const topic of socket.rooms) {
      const roomId = roomIdOfTopic(topic);
      if (roomId !== null) out.push({ roomId, userId: socket.data.userId, connId: socket.id });
    }
  }
  return out;
}
