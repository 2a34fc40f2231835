/** Every socket event this node answers, each with the guards it declares (guard.ts). */
import type { TokenService } from '../auth/tokens.js';
import type { RiskService } from '../services/risk/risk-service.js';
import type { EventHandlers } from '../transport/game-events.js';
import { authHandlers } from './auth-handlers.js';
import { codeHandlers } from './code-handlers.js';
import type { Guards, HandlerServices } from './context.js';
import { karaokeHandlers } from './karaoke-handlers.js';
import { packetHandlers } from './packet-handlers.js';
import { rainHandlers } from './rain-handlers.js';
import { roomHandlers } from './room-handlers.js';

export function eventHandlers(
  s: HandlerServices,
  g: Guards,
  auth: { tokens: TokenService; risk: RiskService },
): EventHandlers {
  return {
    ...roomHandlers(s),
    ...packetHandlers(s, g),
    ...rainHandlers(s, g),
    ...karaokeHandlers(s),
    ...codeHandlers(s, g),
    ...authHandlers(auth.tokens, auth.risk),
  };
}
