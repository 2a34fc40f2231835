/**
 * The floor under every acked event: a bare socket.io `Server` on a uWebSockets.js App
 * (`io.attachApp`), with the game's socket.io options and uWS limits (read from the game's
 * config, so they cannot drift), the same uWebSockets.js package and the same msgpack parser —
 * and nothing else: no auth, no rate limit, no schema, no metrics, no store. It acks
 * `time:sync` with `{ ok: true, serverTime }` and `room:join` with an empty snapshot (the
 * bench's wire clients only check `ok`). Run by the bench as a child process (IPC), with
 * the bench's test environment so `loadConfig` sees the same defaults as the game's nodes:
 *
 *   child → { port } once listening     SIGTERM → exits (a --cpu-prof profile is written)
 */
import { Server, type ServerOptions } from 'socket.io';
import uWS from 'uWebSockets.js';
import type { ClientToServerEvents, ServerToClientEvents } from '@red-packet/sdk/protocol';
import * as msgpackParser from '@red-packet/sdk/msgpack-parser';
import { loadConfig } from '../server/config.js';
import { socketIoOptions } from '../server/transport/socket-server.js';

const config = loadConfig();
// The game's own options (server/transport/socket-server.ts), msgpack wire as the bench speaks.
const io = new Server<ClientToServerEvents, ServerToClientEvents>({
  ...socketIoOptions(config),
  parser: msgpackParser,
});
const app = uWS.App();
// As server/transport/listen.ts attaches it (engine.io takes these uWS options, socket.io's
// type omits them).
const limits = {
  compression: uWS.DISABLED,
  idleTimeout: config.ws.idleTimeoutSec,
  maxBackpressure: config.ws.maxBackpressureBytes * 2,
};
io.attachApp(app, limits as Partial<ServerOptions>);

io.on('connection', (socket) => {
  socket.on('time:sync', (_payload, ack) => {
    ack({ ok: true, serverTime: Date.now() });
  });
  socket.on('room:join', ({ roomId }, ack) => {
    void socket.join(roomId);
    ack({ ok: true, roomId, serverTime: Date.now(), members: 0, chat: [], packets: [], rain: null });
  });
});

app.listen('127.0.0.1', 0, (token) => {
  if (!token) {
    process.send?.({ error: 'cannot listen' });
    process.exit(1);
  }
  process.send?.({ port: uWS.us_socket_local_port(token) });
});

process.on('SIGTERM', () => process.exit(0));
