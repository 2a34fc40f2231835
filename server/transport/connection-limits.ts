/**
 * The limits on sockets a public endpoint needs, per node:
 *
 *   upgrade request ──▶ allowRequest: Origin allowed? address under WS_MAX_PER_IP?
 *        │                 (refused here: HTTP 403 before any engine.io socket exists)
 *        ▼
 *   engine.io socket ──▶ counted under its address from now on; closed if the address is
 *        │                 over the cap anyway (upgrades racing the check), and closed
 *        │                 WS_HANDSHAKE_TIMEOUT_MS later unless an authenticated socket.io
 *        ▼                 CONNECT arrives (none, or one the auth middleware refused)
 *   socket.io CONNECT ─▶ auth, risk, then the user's cap (WS_MAX_PER_USER)
 *
 * Addresses are the client's (TRUSTED_PROXIES honoured, client-address.ts). Every refusal is
 * counted in `rp_connections_refused_total{reason}`. Cost: one Map read per upgrade, one Map
 * write and one timer per engine.io socket until it authenticates; nothing per event.
 */
import type { IncomingMessage } from 'node:http';
import type { Metrics } from '../observability/metrics.js';
import { clientAddress } from './client-address.js';
import type { GameSocket } from './game-events.js';
import { originAllowed, type OriginPolicy } from './origin-policy.js';
import type { GameServer } from './socket-server.js';
import type { UserSockets } from './user-sockets.js';

export type RefusalReason = 'origin' | 'ip_cap' | 'user_cap' | 'handshake_timeout' | 'token_expired';

export interface ConnectionLimitOptions {
  /** Open sockets per client address; 0 = no cap. */
  maxPerIp: number;
  /** Open sockets per user; 0 = no cap. */
  maxPerUser: number;
  /** ms from the engine.io open to an authenticated socket.io CONNECT. */
  handshakeTimeoutMs: number;
  origins: OriginPolicy;
  trustedProxies: readonly string[];
}

/** What this module uses of an engine.io socket (engine.io's `Socket`). */
interface EngineConn {
  id: string;
  request: IncomingMessage;
  close(): void;
  once(event: 'close', listener: () => void): void;
}

type AllowRequest = (
  req: IncomingMessage,
  fn: (err: string | null | undefined, success: boolean) => void,
) => void;
type Next = (err?: Error) => void;

export class ConnectionLimits {
  private readonly byAddress = new Map<string, number>();
  /** Handshake timers of engine.io sockets not yet authenticated, by engine.io id. */
  private readonly unauthenticated = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly options: ConnectionLimitOptions,
    private readonly metrics: Metrics,
  ) {}

  /** Open engine.io sockets from `address` on this node. */
  openFrom(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  private addressOf(req: IncomingMessage): string {
    // uWS: engine.io puts the peer on `req.connection` (its own object); node:http on `req.socket`.
    const peer =
      (req as unknown as { connection?: { remoteAddress?: string } }).connection?.remoteAddress ??
      (req.socket as { remoteAddress?: string } | undefined)?.remoteAddress ??
      '';
    return clientAddress(peer, req.headers['x-forwarded-for'], this.options.trustedProxies);
  }

  /** socket.io's `allowRequest`: runs on each handshake (upgrade) before a socket exists. */
  readonly allowRequest: AllowRequest = (req, fn) => {
    if (!originAllowed(req.headers.origin, req.headers.host, this.options.origins)) {
      this.metrics.connectionsRefused.inc({ reason: 'origin' });
      fn('origin not allowed', false);
      return;
    }
    const { maxPerIp } = this.options;
    if (maxPerIp > 0 && this.openFrom(this.addressOf(req)) >= maxPerIp) {
      this.metrics.connectionsRefused.inc({ reason: 'ip_cap' });
      fn('too many connections from this address', false);
      return;
    }
    fn(null, true);
  };

  /**
   * Counts engine.io sockets by address and closes those that do not authenticate in time.
   * Call once socket.io is attached to its listener (`io.engine` exists from then on).
   */
  attach(io: GameServer): void {
    const engine = io.engine as unknown as { on(event: 'connection', l: (conn: EngineConn) => void): void };
    engine.on('connection', (conn) => {
      const address = this.addressOf(conn.request);
      const open = this.openFrom(address) + 1;
      this.byAddress.set(address, open);
      conn.once('close', () => {
        const left = this.openFrom(address) - 1;
        if (left > 0) this.byAddress.set(address, left);
        else this.byAddress.delete(address);
        this.authenticated(conn.id);
      });
      const { maxPerIp, handshakeTimeoutMs } = this.options;
      if (maxPerIp > 0 && open > maxPerIp) {
        this.metrics.connectionsRefused.inc({ reason: 'ip_cap' });
        conn.close();
        return;
      }
      const timer = setTimeout(() => {
        this.unauthenticated.delete(conn.id);
        this.metrics.connectionsRefused.inc({ reason: 'handshake_timeout' });
        conn.close();
      }, handshakeTimeoutMs);
      this.unauthenticated.set(conn.id, timer);
    });
    // engine.io's socket id, which its types mark private on socket.io's side.
    io.on('connection', (socket: GameSocket) =>
      this.authenticated((socket.conn as unknown as EngineConn).id),
    );
  }

  private authenticated(connId: string): void {
    const timer = this.unauthenticated.get(connId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.unauthenticated.delete(connId);
  }

  /**
   * The per-user cap, as the handshake's last middleware: synchronous, so the socket is
   * indexed in `userSockets` (on `connection`) before another handshake can pass this check.
   */
  userCap(userSockets: UserSockets): (socket: GameSocket, next: Next) => void {
    return (socket, next) => {
      const { maxPerUser } = this.options;
      if (maxPerUser > 0 && userSockets.count(socket.data.userId) >= maxPerUser) {
        this.metrics.connectionsRefused.inc({ reason: 'user_cap' });
        const refusal = new Error('LIMIT_EXCEEDED') as Error & { data: { code: string; message: string } };
        refusal.data = {
          code: 'LIMIT_EXCEEDED',
          message: `at most ${maxPerUser} connections per user on a node`,
        };
        next(refusal);
        return;
      }
      next();
    };
  }
}
