/** The node registry in one process (node-registry.ts). Each method is synchronous, so atomic. */
import type { HeartbeatResult, NodeMembership, NodeRegistry } from './node-registry.js';

export class MemoryNodes implements NodeRegistry {
  /** nodeId → alive until (ms epoch) */
  private readonly alive = new Map<string, number>();
  /** Nodes some of whose memberships were reaped since their last beat. */
  private readonly reaped = new Set<string>();
  /** nodeId → `roomId\nconnId` → membership */
  private readonly held = new Map<string, Map<string, NodeMembership>>();

  heartbeat(nodeId: string, now: number, ttlMs: number): Promise<HeartbeatResult> {
    const until = this.alive.get(nodeId);
    this.alive.set(nodeId, now + ttlMs);
    const reaped = this.reaped.delete(nodeId);
    return Promise.resolve(!reaped && until !== undefined && until >= now ? 'alive' : 'late');
  }

  track(nodeId: string, m: NodeMembership): Promise<void> {
    let held = this.held.get(nodeId);
    if (!held) {
      held = new Map();
      this.held.set(nodeId, held);
    }
    held.set(`${m.roomId}\n${m.connId}`, { ...m });
    return Promise.resolve();
  }

  untrack(nodeId: string, roomId: string, connId: string): Promise<void> {
    const held = this.held.get(nodeId);
    held?.delete(`${roomId}\n${connId}`);
    if (held?.size === 0) this.held.delete(nodeId);
    return Promise.resolve();
  }

  deadNodes(now: number, limit: number): Promise<string[]> {
    const dead = [...this.alive].filter(([, until]) => until < now).map(([id]) => id);
    return Promise.resolve(dead.slice(0, limit));
  }

  memberships(nodeId: string, limit: number): Promise<NodeMembership[]> {
    return Promise.resolve(
      [...(this.held.get(nodeId)?.values() ?? [])].slice(0, limit).map((m) => ({ ...m })),
    );
  }

  markReaped(nodeId: string): Promise<void> {
    this.reaped.add(nodeId);
    return Promise.resolve();
  }

  forget(nodeId: string, now: number): Promise<boolean> {
    const until = this.alive.get(nodeId);
    if (until !== undefined && until >= now) return Promise.resolve(false);
    this.alive.delete(nodeId);
    this.reaped.delete(nodeId);
    return Promise.resolve(true);
  }
}
