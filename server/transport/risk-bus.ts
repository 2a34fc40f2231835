/**
 * Risk control between nodes, over the socket.io adapter (InterServerEvents): bans and the
 * received cap are announced to every other node; each node kicks its own sockets.
 */
import type { Logger } from '../observability/logger.js';
import type { BanList, RiskBus } from '../services/risk/risk-bans.js';
import type { RiskService } from '../services/risk/risk-service.js';
import type { GameServer } from './socket-server.js';
import type { UserSockets } from './user-sockets.js';

/** @param multiNode false on the memory store (one node, and no adapter to emit through) */
export function socketRiskBus(io: GameServer, multiNode: boolean, users: UserSockets): RiskBus {
  return {
    publishBan: (userId, banned) => {
      if (multiNode) io.serverSideEmit('risk:ban', { userId, banned });
    },
    publishCapped: (day, userIds) => {
      if (multiNode) io.serverSideEmit('risk:capped', { day, userIds });
    },
    kickLocal: (userId) => {
      users.disconnect(userId);
    },
  };
}

export function listenRiskBroadcasts(io: GameServer, bans: BanList, risk: RiskService, log: Logger): void {
  io.on('risk:ban', ({ userId, banned }) => {
    bans.onBroadcast(userId, banned).catch((err: unknown) => {
      log.warn({ err, userId }, 'could not reload bans after a broadcast');
    });
  });
  io.on('risk:capped', ({ day, userIds }) => risk.onCapped(day, userIds));
}
