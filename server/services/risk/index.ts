/**
 * Risk control on this node: the ban list (cached, refreshed every RISK_BAN_REFRESH_MS) and
 * the risk service (send admission, grab checks, batched win records flushed every
 * RISK_FLUSH_MS). Its claim gate (RiskService.guardClaim, claim-risk.ts) is given to packets
 * and rains, whose claims every path ends in.
 */
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import { BanList, type RiskBus } from './risk-bans.js';
import { RiskService, type SendGate } from './risk-service.js';

export interface RiskConcept extends ConceptTasks {
  risk: RiskService;
  bans: BanList;
  /** Checks and counts a send or rain before it is funded (given to packets and rains). */
  admitSend: SendGate;
}

/** @param bus how bans and caps reach the other nodes and this node's sockets (transport) */
export function createRiskConcept(node: NodeBasics, bus: RiskBus): RiskConcept {
  const { config, store, clock, metrics, log } = node;
  const bans = new BanList(store.risk, bus, log);
  const risk = new RiskService({
    store: store.risk,
    bans,
    bus,
    clock,
    policy: config.risk,
    registry: metrics.registry,
    log,
  });
  return {
    risk,
    bans,
    admitSend: (sender, id, kind, amount) => risk.admitSend(sender, id, kind, amount),
    tasks: [
      new Periodic('risk-flush', config.risk.flushMs, () => risk.flush(), log),
      new Periodic('risk-bans', config.risk.banRefreshMs, () => bans.refresh(), log),
    ],
  };
}
