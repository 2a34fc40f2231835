/**
 * Puts socket.io and the HTTP routes on a listening port: uWS by default, node:http when
 * TRANSPORT=node. uWS limits are set explicitly here (payload, backpressure, idle timeout,
 * compression off).
 *
 * Note: socket.io's attachApp patches the shared Adapter prototype with *this* app
 * (socket.io/dist/uws.js patchAdapter), so one process runs one uWS server at a time;
 * multi-node setups run one process per node.
 */
import { createServer, type Server as NodeHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import uWS from 'uWebSockets.js';
import type { ServerOptions } from 'socket.io';
import type { Config } from '../config.js';
import type { HttpHandler } from './http-types.js';
import { nodeHttpListener } from './node-http.js';
import type { GameServer } from './socket-server.js';
import { serveHttpOnUws } from './uws-http.js';

/** engine.io's uWS options (engine.io/build/userver.d.ts `uOptions`). */
interface UwsLimits {
  compression: number;
  idleTimeout: number;
  maxBackpressure: number;
}

export interface Listening {
  port: number;
  /** Stops accepting new connections; open ones stay. */
  stopAccepting(): void;
  /** Closes everything still open. */
  close(): void;
}

export function listen(io: GameServer, http: HttpHandler, config: Config): Promise<Listening> {
  return config.transport === 'uws' ? listenUws(io, http, config) : listenNode(io, http, config);
}

function listenUws(io: GameServer, http: HttpHandler, config: Config): Promise<Listening> {
  const app = uWS.App();
  const limits: UwsLimits = {
    compression: uWS.DISABLED,
    idleTimeout: config.ws.idleTimeoutSec,
    // uWS skips (drops) messages past this; dropSlowConsumers disconnects at half of it.
    maxBackpressure: config.ws.maxBackpressureBytes * 2,
  };
  // socket.io forwards these to engine.io's uServer.attach, though its type omits them.
  io.attachApp(app, limits as Partial<ServerOptions>);
  serveHttpOnUws(app, http);
  return new Promise((resolve, reject) => {
    app.listen(config.host, config.port, (token) => {
      if (!token) {
        reject(new Error(`cannot listen on ${config.host}:${config.port}`));
        return;
      }
      let open = true;
      const stopAccepting = (): void => {
        if (open) uWS.us_listen_socket_close(token);
        open = false;
      };
      resolve({
        port: uWS.us_socket_local_port(token),
        stopAccepting,
        close: () => {
          stopAccepting();
          // close() exists on this uWS build but is missing from its type declarations.
          (app as unknown as { close(): void }).close();
        },
      });
    });
  });
}

function listenNode(io: GameServer, http: HttpHandler, config: Config): Promise<Listening> {
  const server: NodeHttpServer = createServer(nodeHttpListener(http));
  io.attach(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        stopAccepting: () => server.close(),
        close: () => {
          server.close();
          server.closeAllConnections();
        },
      });
    });
  });
}
