/**
 * Risk control around the grab handlers, for sockets: the local checks before a grab (ban,
 * cooldown, received cap; in enforcing mode the device/address admission), and after it the
 * win (queued received fen and clustering record) or the failure (cooldown count).
 * Everything else about a grab is the wrapped handler's.
 */
import { GameError } from '../domain/errors.js';
import type { RiskService } from '../services/risk/risk-service.js';
import type { ClusterWin } from '../store/risk/risk-store.js';
import type { EventContext } from '../transport/game-events.js';
import type { Guard } from './guard.js';

/** One guard per kind of grab: what differs is how the packet or rain grabbed is known. */
export interface RiskGates {
  /** A room grab: the packet is the payload's. */
  packetGrab: Guard<'packet:grab'>;
  /** A rain drop grab: the rain is the payload's. */
  dropGrab: Guard<'drop:grab'>;
  /**
   * A code claim: the packet is known only from the code, so from the result; such claims
   * skip the enforcing-mode admission but count toward clustering like any win.
   */
  codeClaim: Guard<'code:claim'>;
}

const winOf = (ctx: EventContext): ClusterWin => ({
  userId: ctx.user.userId,
  ip: ctx.socket.data.ip,
  deviceId: ctx.socket.data.deviceId,
});

/** @param sourceId the packet or rain grabbed, or how to read it from the result */
async function guardedGrab<T extends { amount: number }>(
  risk: RiskService,
  ctx: EventContext,
  sourceId: string | ((result: T) => string),
  grab: () => Promise<T>,
): Promise<T> {
  const win = winOf(ctx);
  risk.checkGrab(win.userId);
  try {
    if (risk.policy.clusterEnforce && typeof sourceId === 'string') await risk.admitWinner(sourceId, win);
    const result = await grab();
    risk.grabWon(typeof sourceId === 'string' ? sourceId : sourceId(result), win, result.amount);
    return result;
  } catch (err) {
    if (err instanceof GameError) await risk.grabFailed(win.userId, err.code);
    throw err;
  }
}

export function riskGates(risk: RiskService): RiskGates {
  return {
    packetGrab: (handler) => (ctx, payload) =>
      guardedGrab(risk, ctx, payload.packetId, () => handler(ctx, payload)),
    dropGrab: (handler) => (ctx, payload) =>
      guardedGrab(risk, ctx, payload.rainId, () => handler(ctx, payload)),
    codeClaim: (handler) => (ctx, payload) =>
      guardedGrab(
        risk,
        ctx,
        (r) => r.packetId,
        () => handler(ctx, payload),
      ),
  };
}
