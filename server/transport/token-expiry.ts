/**
 * A token checked at the handshake must not keep a connection alive forever. When a socket's
 * token expires (`socket.data.expiresAt`) it is sent `auth:expired`; unless `auth:refresh`
 * hands over a newer token within `graceMs` (the handler moves `expiresAt` on), the socket
 * is closed and counted as `rp_connections_refused_total{reason="token_expired"}`.
 *
 * One timer per socket, re-armed on renewal; nothing per event.
 */
import type { Clock } from '../domain/clock.js';
import type { Metrics } from '../observability/metrics.js';
import type { GameSocket } from './game-events.js';
import type { GameServer } from './socket-server.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function watchTokenExpiry(io: GameServer, graceMs: number, clock: Clock, metrics: Metrics): void {
  io.on('connection', (socket: GameSocket) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (delayMs: number, then: () => void): void => {
      timer = setTimeout(then, Math.min(MAX_DELAY_MS, Math.max(0, delayMs)));
    };
    const check = (): void => {
      const expiresAt = socket.data.expiresAt;
      if (expiresAt === undefined || !socket.connected) return;
      const now = clock.now();
      if (expiresAt > now) {
        arm(expiresAt - now, check);
        return;
      }
      socket.emit('auth:expired', { expiredAt: expiresAt, graceMs });
      arm(graceMs, () => {
        if (!socket.connected) return;
        if ((socket.data.expiresAt ?? 0) > clock.now()) {
          check(); // renewed in time
          return;
        }
        metrics.connectionsRefused.inc({ reason: 'token_expired' });
        socket.disconnect(true);
      });
    };
    check();
    socket.once('disconnect', () => clearTimeout(timer));
  });
}
