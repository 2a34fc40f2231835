/**
 * The node registry on Redis (node-registry.ts). Liveness is one sorted set in a slot of its
 * own (`{nodes}`, a handful of entries); each node's memberships are a hash in the node's own
 * slot (`{m:<nodeId>}`), so joins on different nodes never touch the same slot.
 */
import { RedisPart } from '../redis/part.js';
import type { HeartbeatResult, NodeMembership, NodeRegistry } from './node-registry.js';

const field = (roomId: string, connId: string): string => `${roomId}\n${connId}`;

export class RedisNodes extends RedisPart implements NodeRegistry {
  heartbeat(nodeId: string, now: number, ttlMs: number): Promise<HeartbeatResult> {
    return this.guard(async () => {
      const live = await this.script(
        'node-heartbeat',
        [this.keys.nodesAlive(), this.keys.nodesReaped()],
        [nodeId, now, now + ttlMs],
      );
      return live ? 'alive' : 'late';
    });
  }

  track(nodeId: string, m: NodeMembership): Promise<void> {
    return this.guard(async () => {
      await this.redis.hset(this.keys.nodeMemberships(nodeId), field(m.roomId, m.connId), m.userId);
    });
  }

  untrack(nodeId: string, roomId: string, connId: string): Promise<void> {
    return this.guard(async () => {
      await this.redis.hdel(this.keys.nodeMemberships(nodeId), field(roomId, connId));
    });
  }

  deadNodes(now: number, limit: number): Promise<string[]> {
    return this.guard(() =>
      this.redis.zrangebyscore(this.keys.nodesAlive(), '-inf', `(${now}`, 'LIMIT', 0, limit),
    );
  }

  memberships(nodeId: string, limit: number): Promise<NodeMembership[]> {
    return this.guard(async () => {
      const [, flat] = await this.redis.hscan(this.keys.nodeMemberships(nodeId), '0', 'COUNT', limit);
      const out: NodeMembership[] = [];
      for (let i = 0; i + 1 < flat.length && out.length < limit; i += 2) {
        const [roomId, connId] = (flat[i] ?? '').split('\n');
        const userId = flat[i + 1];
        if (roomId && connId && userId) out.push({ roomId, connId, userId });
      }
      return out;
    });
  }

  markReaped(nodeId: string): Promise<void> {
    return this.guard(async () => {
      await this.redis.sadd(this.keys.nodesReaped(), nodeId);
    });
  }

  forget(nodeId: string, now: number): Promise<boolean> {
    return this.script('node-forget', [this.keys.nodesAlive(), this.keys.nodesReaped()], [nodeId, now]);
  }
}
