/**
 * Node liveness and the clean-up after a dead node (the diagram is in
 * store/node-registry.ts). Every NODE_HEARTBEAT_MS a node renews its record and looks for
 * nodes whose record lapsed more than NODE_DEAD_AFTER_MS ago; it removes their room
 * memberships (so a crashed node's connections stop counting in presence within a few
 * seconds) and then their record. Several survivors may reap the same node at once: every
 * step is idempotent.
 *
 * A node that finds its own record lapsed (it stalled, or Redis lost the data) records its
 * live memberships again, so being slow never leaves live sockets uncounted for long.
 */
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { NodeMembership } from '../../store/nodes/node-registry.js';
import type { Store } from '../../store/store.js';
import type { Presence } from '../rooms/presence.js';

/** Dead nodes handled per pass, and memberships removed per page. */
const NODES_PER_PASS = 10;
const PAGE = 500;
/** Pages per dead node per pass: a very large node is reaped over a few passes. */
const PAGES_PER_PASS = 20;

export interface NodeReaperOptions {
  nodeId: string;
  deadAfterMs: number;
  /** This node's current memberships (from its live sockets), re-recorded after a lapse. */
  localMemberships: () => NodeMembership[];
}

export class NodeReaper {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly presence: Presence,
    private readonly log: Logger,
    private readonly options: NodeReaperOptions,
  ) {}

  /** Renews this node's record; after a lapse, records its memberships again. */
  async beat(): Promise<void> {
    const { nodeId, deadAfterMs } = this.options;
    const result = await this.store.nodes.heartbeat(nodeId, this.clock.now(), deadAfterMs);
    if (result === 'alive') return;
    const mine = this.options.localMemberships();
    if (mine.length === 0) return;
    this.log.warn({ memberships: mine.length }, 'node record had lapsed; recording memberships again');
    await Promise.all(mine.map((m) => this.presence.add(m)));
  }

  /**
   * At start-up, before any socket connects: removes memberships left under this node's id by
   * a previous process with the same NODE_ID (restarted after a crash, before anyone reaped it).
   */
  async clearPrevious(): Promise<number> {
    return (await this.removePages(this.options.nodeId, Number.POSITIVE_INFINITY)).count;
  }

  /** Reaps the memberships of nodes that stopped beating; resolves with how many were removed. */
  async reap(): Promise<number> {
    const now = this.clock.now();
    const dead = (await this.store.nodes.deadNodes(now, NODES_PER_PASS)).filter(
      (id) => id !== this.options.nodeId,
    );
    let removed = 0;
    for (const nodeId of dead) {
      const { count, done } = await this.removePages(nodeId, PAGES_PER_PASS);
      removed += count;
      if (done && (await this.store.nodes.forget(nodeId, now))) {
        this.log.info({ deadNode: nodeId }, 'reaped a dead node');
      }
    }
    if (removed > 0) this.log.info({ removed }, 'removed the memberships of dead nodes');
    return removed;
  }

  /** Removes up to `pages` pages of `nodeId`'s memberships; `done` when none are left. */
  private async removePages(nodeId: string, pages: number): Promise<{ count: number; done: boolean }> {
    let count = 0;
    for (let page = 0; page < pages; page++) {
      const batch = await this.store.nodes.memberships(nodeId, PAGE);
      if (batch.length === 0) return { count, done: true };
      await Promise.all(
        batch.map(async (m) => {
          await this.store.rooms.removeMember(m.roomId, m.userId, m.connId);
          this.presence.markDirty(m.roomId);
          await this.store.nodes.untrack(nodeId, m.roomId, m.connId);
        }),
      );
      count += batch.length;
      // The node may have beaten again meanwhile (it was only slow): its next beat must re-record.
      await this.store.nodes.markReaped(nodeId);
    }
    return { count, done: false };
  }
}
