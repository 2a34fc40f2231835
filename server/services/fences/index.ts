/**
 * Location fences (同城): nearby discovery of fenced packets, and the risk side — every claim
 * on a fenced packet with a location is logged, and probing raises a flag (fence-audit.ts).
 */
import type { RiskService } from '../risk/risk-service.js';
import type { NodeBasics } from '../runtime/node-basics.js';
import { FenceAudit } from './fence-audit.js';
import { NearbyService } from './nearby-service.js';

export interface FencesConcept {
  nearby: NearbyService;
  fenceAudit: FenceAudit;
}

export function createFencesConcept(node: NodeBasics, risk: RiskService): FencesConcept {
  const { config, store, clock, log } = node;
  return {
    fenceAudit: new FenceAudit(store, store.risk, risk, clock, log, config.fence.probeFlagAt),
    nearby: new NearbyService(store, clock, log, config.fence.nearbyMaxRadiusM),
  };
}
