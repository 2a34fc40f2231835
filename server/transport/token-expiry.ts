/**
 * A token checked at the handshake must not keep a connection alive forever. When a socket's
 * token expires (`socket.data.expiresAt`) it is sent `auth:expired`; unless `auth:refresh`
 * hands over a newer token within `graceMs` (the handler moves `expiresAt` on), the socket
 * is closed and counted as `rp_connections_refused_total{reason="token_expired"}`.
 *
 * One sweep per node (a Periodic every SWEEP_MS), nothing per socket: no timer, closure or
 * listener per connection (memory per idle connection, issue 24). A sweep walks this node's
 * sockets and reads each one's `expiresAt`; only sockets already told their token expired are
 * remembered, until they renew, leave or are closed. So `auth:expired` comes at most SWEEP_MS
 * after the expiry, and the close at most SWEEP_MS after the grace.
 */
import type { Metrics } from '../observability/metrics.js';
import type { GameSocket } from './game-events.js';
import type { GameServer } from './socket-server.js';

/** How often the node's sockets are swept for expired tokens. */
export const SWEEP_MS = 1000;

export class TokenExpiry {
  /** Sockets told their token expired → when they are closed unless renewed. */
  private readonly warned = new Map<GameSocket, number>();

  constructor(
    private readonly io: GameServer,
    private readonly graceMs: number,
    private readonly metrics: Metrics,
  ) {}

  /** Warns the sockets whose token has expired by `now`; closes those whose grace is over. */
  sweep(now: number): void {
    for (const [socket, closeAt] of this.warned) {
      if (!socket.connected || (socket.data.expiresAt ?? Number.POSITIVE_INFINITY) > now) {
        this.warned.delete(socket); // gone, or renewed in time (warned again at the new expiry)
      } else if (closeAt <= now) {
        this.warned.delete(socket);
        this.metrics.connectionsRefused.inc({ reason: 'token_expired' });
        socket.disconnect(true);
      }
    }
    for (const socket of this.io.sockets.sockets.values()) {
      const expiredAt = socket.data.expiresAt;
      if (expiredAt === undefined || expiredAt > now || this.warned.has(socket)) continue;
      this.warned.set(socket, now + this.graceMs);
      socket.emit('auth:expired', { expiredAt, graceMs: this.graceMs });
    }
  }
}
