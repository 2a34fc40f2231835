/**
 * Memory per idle connection (issue 24): once a socket has passed the handshake's middleware
 * (authentication, the risk step, the caps) and is connected, `slimConnection` lets go of
 * what socket.io keeps for every connection and this server never uses again:
 *
 *   handshake   the upgrade request's headers and query, and the token in `auth`, kept by
 *               `socket.handshake` and by the engine socket's `request` for the connection's
 *               life. The handshake keeps its address, time and `auth` without the token; its
 *               headers and query become empty and the engine socket's `request` is dropped.
 *               What the game needs of the handshake is on `socket.data` by then (identity,
 *               ip, device id); a middleware that must read more runs before `connection`.
 *   own room    socket.io puts every socket in a room named by its id (`io.to(socketId)`),
 *               which on uWS is a publish topic per connection, and an adapter entry. This
 *               server never addresses a socket that way: a user's events go through
 *               UserSockets (user-sockets.ts) and room broadcasts never use `except`.
 */
import type { GameSocket } from './game-events.js';

export function slimConnection(socket: GameSocket): void {
  const { handshake } = socket;
  const { token: _token, ...auth } = handshake.auth;
  handshake.headers = {};
  handshake.query = {};
  handshake.auth = auth;
  handshake.url = '';
  // engine.io types the request as always there; nothing reads it after the handshake.
  (socket.conn as unknown as { request?: unknown }).request = undefined;
  // Leaving a room is synchronous on every adapter this server uses (adapter.ts).
  void socket.leave(socket.id);
}
