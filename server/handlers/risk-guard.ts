/**
 * Risk control in front of the grab handlers, for sockets: the local checks before a grab
 * (ban, cooldown, received cap; in enforcing mode the device/address admission), and after it
 * the win (queued received fen and clustering record) or the failure (cooldown count).
 * Everything else about a grab is the wrapped handler's.
 */
import { GameError } from '../domain/errors.js';
import type { RiskService } from '../services/risk/risk-service.js';
import type { ClusterWin } from '../store/risk/risk-store.js';
import type { EventContext, EventHandlers } from './context.js';

const winOf = (ctx: EventContext): ClusterWin => ({
  userId: ctx.user.userId,
  ip: ctx.socket.data.ip,
  deviceId: ctx.socket.data.deviceId,
});

/**
 * @param sourceId the packet or rain grabbed, or (a code claim, whose packet is known only
 *   from the code) how to read it from the result; such claims skip the enforcing-mode
 *   admission but count toward clustering like any win.
 */
async function guarded<T extends { amount: number }>(
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

export function guardGrabs(handlers: EventHandlers, risk: RiskService): EventHandlers {
  const packetGrab = handlers['packet:grab'];
  const dropGrab = handlers['drop:grab'];
  const codeClaim = handlers['code:claim'];
  return {
    ...handlers,
    'code:claim': (ctx, payload) =>
      guarded(
        risk,
        ctx,
        (r) => r.packetId,
        () => codeClaim(ctx, payload),
      ),
    'packet:grab': (ctx, payload) => guarded(risk, ctx, payload.packetId, () => packetGrab(ctx, payload)),
    'drop:grab': (ctx, payload) => guarded(risk, ctx, payload.rainId, () => dropGrab(ctx, payload)),
  };
}
