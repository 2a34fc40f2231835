/**
 * The handshake's risk step, after authentication: refuses banned users (FORBIDDEN, with the
 * reason), and records the client's address (X-Forwarded-For only from TRUSTED_PROXIES) and
 * the optional `auth.deviceId` on the socket for account clustering.
 */
import { deviceIdSchema } from '@red-packet/sdk/schemas';
import { GameError } from '../domain/errors.js';
import type { GameSocket } from './game-events.js';
import type { RiskService } from '../services/risk/risk-service.js';
import { clientAddress } from './client-address.js';

type Next = (err?: Error) => void;

export function riskHandshake(
  risk: RiskService,
  trustedProxies: readonly string[],
): (socket: GameSocket, next: Next) => void {
  return (socket, next) => {
    try {
      risk.checkCaller(socket.data.userId);
      const { handshake } = socket;
      socket.data.ip = clientAddress(handshake.address, handshake.headers['x-forwarded-for'], trustedProxies);
      const deviceId = (handshake.auth as { deviceId?: unknown } | undefined)?.deviceId;
      if (deviceId !== undefined) {
        const parsed = deviceIdSchema.safeParse(deviceId);
        if (!parsed.success)
          throw new GameError('INVALID_PAYLOAD', 'deviceId: letters, digits, _ . : - (at most 128)');
        socket.data.deviceId = parsed.data;
      }
      next();
    } catch (err) {
      const code = err instanceof GameError ? err.code : 'INTERNAL';
      const refusal = new Error(code) as Error & { data: { code: string; message: string } };
      refusal.data = { code, message: err instanceof Error ? err.message : 'refused' };
      next(refusal);
    }
  };
}
