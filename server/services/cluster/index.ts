/**
 * This node among the others: its heartbeat (every NODE_HEARTBEAT_MS) and the clean-up after
 * a dead node (NodeReaper). The NodeRelay, which carries user events and "closed" hints
 * between nodes, is made with the broadcaster (transport/socket-server.ts), before any concept.
 */
import type { NodeMembership } from '../../store/nodes/node-registry.js';
import type { Presence } from '../rooms/presence.js';
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import { NodeReaper } from './node-reaper.js';

export interface ClusterConcept extends ConceptTasks {
  reaper: NodeReaper;
  /** Records this node as alive (after clearing what a previous run left); never rejects. */
  announce(): Promise<void>;
}

/** @param localMemberships the room memberships of this node's live sockets (transport) */
export function createClusterConcept(
  node: NodeBasics,
  presence: Presence,
  localMemberships: () => NodeMembership[],
): ClusterConcept {
  const { config, store, clock, log } = node;
  const { timers } = config;
  const reaper = new NodeReaper(store, clock, presence, log, {
    nodeId: config.nodeId,
    deadAfterMs: timers.nodeDeadAfterMs,
    localMemberships,
  });
  return {
    reaper,
    announce: () =>
      reaper
        .clearPrevious()
        .then(() => reaper.beat())
        .catch((err: unknown) => {
          log.warn({ err }, 'could not record this node as alive yet');
        }),
    tasks: [
      new Periodic('node-heartbeat', timers.nodeHeartbeatMs, () => reaper.beat(), log),
      new Periodic('node-reaper', timers.nodeHeartbeatMs, () => reaper.reap().then(() => undefined), log),
    ],
  };
}
