import type { TokenService } from '../auth/tokens.js';
import { GameError } from '../domain/errors.js';
import type { RiskService } from '../services/risk/risk-service.js';
import type { EventHandlers } from '../transport/game-events.js';

/**
 * `auth:refresh`: a fresh token on a live connection — step-up verification, and renewal of
 * an expiring one (transport/token-expiry.ts closes connections that do not renew). The client signs in again and
 * hands over the fresh token; it must be valid and for the same user. The connection's
 * sign-in time becomes the new token's, so the next send passes the step-up check.
 */
export function authHandlers(tokens: TokenService, risk: RiskService): Pick<EventHandlers, 'auth:refresh'> {
  return {
    'auth:refresh': async (ctx, { token }) => {
      const identity = await tokens.verify(token);
      if (identity.userId !== ctx.user.userId) {
        throw new GameError('FORBIDDEN', 'the token is for another user');
      }
      risk.checkCaller(identity.userId);
      // Renewal (after auth:expired): the connection lives until the new token's expiry.
      const { expiresAt } = identity;
      if (expiresAt !== undefined && expiresAt > (ctx.socket.data.expiresAt ?? 0)) {
        ctx.user.expiresAt = expiresAt;
        ctx.socket.data.expiresAt = expiresAt;
      }
      const authTime = identity.authTime ?? 0;
      if (authTime > (ctx.user.authTime ?? 0)) {
        ctx.user.authTime = authTime;
        ctx.socket.data.authTime = authTime;
      }
      return { authTime: ctx.user.authTime ?? 0 };
    },
  };
}
