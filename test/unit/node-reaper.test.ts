/**
 * NodeReaper with the clock injected: a survivor reaps a silent node's members, and a node
 * that was only slow records its live memberships again on its next beat.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/domain/clock.js';
import { createLogger } from '../../server/observability/logger.js';
import type { Broadcaster } from '../../server/services/runtime/broadcaster.js';
import { NodeReaper } from '../../server/services/cluster/node-reaper.js';
import { Presence } from '../../server/services/rooms/presence.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import type { NodeMembership } from '../../server/store/nodes/node-registry.js';

const quiet: Broadcaster = {
  toRoom: () => undefined,
  toUser: () => undefined,
  toUserExcept: () => undefined,
};

function node(store: MemoryStore, clock: ManualClock, nodeId: string, local: NodeMembership[] = []) {
  const presence = new Presence(store, quiet, nodeId);
  const reaper = new NodeReaper(store, clock, presence, createLogger('silent', nodeId), {
    nodeId,
    deadAfterMs: 5_000,
    localMemberships: () => local,
  });
  return { presence, reaper };
}

describe('NodeReaper', () => {
  it('reaps the members of a node that stopped beating, and only then forgets it', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const a = node(store, clock, 'a');
    const b = node(store, clock, 'b');
    await Promise.all([a.reaper.beat(), b.reaper.beat()]);
    await a.presence.add({ roomId: 'r', userId: 'u1', connId: 'c1' });
    await a.presence.add({ roomId: 'r', userId: 'u2', connId: 'c2' });
    await b.presence.add({ roomId: 'r', userId: 'u3', connId: 'c3' });
    expect(await store.rooms.memberCount('r')).toBe(3);

    clock.advance(4_000);
    await b.reaper.beat();
    expect(await b.reaper.reap()).toBe(0); // a is late, not dead yet
    clock.advance(2_000);
    await b.reaper.beat();
    expect(await b.reaper.reap()).toBe(2);
    expect(await store.rooms.memberCount('r')).toBe(1);
    expect(await store.nodes.deadNodes(clock.now(), 10)).toEqual([]);
    expect(await b.reaper.reap()).toBe(0);
  });

  it('never reaps itself, and re-records its live memberships after a lapse', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const mine: NodeMembership[] = [{ roomId: 'r', userId: 'u1', connId: 'c1' }];
    const slow = node(store, clock, 'slow', mine);
    const other = node(store, clock, 'other');
    await slow.reaper.beat();
    await slow.presence.add(mine[0]!);
    clock.advance(10_000);
    expect(await slow.reaper.reap()).toBe(0); // its own lapsed record is not its business
    await other.reaper.beat();
    expect(await other.reaper.reap()).toBe(1); // it looked dead to the others
    expect(await store.rooms.memberCount('r')).toBe(0);
    await slow.reaper.beat(); // late: puts its sockets back
    expect(await store.rooms.memberCount('r')).toBe(1);
    expect(await store.nodes.memberships('slow', 10)).toEqual(mine);
  });

  it('a slow node that beats while it is being reaped still records its members again', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const mine: NodeMembership[] = [{ roomId: 'r', userId: 'u1', connId: 'c1' }];
    const slow = node(store, clock, 'slow', mine);
    const other = node(store, clock, 'other');
    await slow.reaper.beat();
    await slow.presence.add(mine[0]!);
    clock.advance(10_000);
    await other.reaper.beat();
    // The survivor has decided `slow` is dead; `slow` beats before the page is removed.
    const page = store.nodes.memberships.bind(store.nodes);
    let beatFirst = true;
    store.nodes.memberships = async (nodeId, limit) => {
      if (beatFirst) {
        beatFirst = false;
        await slow.reaper.beat(); // late (lapsed): re-records what is still recorded anyway
      }
      return page(nodeId, limit);
    };
    expect(await other.reaper.reap()).toBe(1);
    expect(await store.rooms.memberCount('r')).toBe(0);
    expect(await store.nodes.deadNodes(clock.now(), 10)).toEqual([]); // alive again, not forgotten
    await slow.reaper.beat(); // its record is live, but it was reaped: late, so it re-records
    expect(await store.rooms.memberCount('r')).toBe(1);
    await slow.reaper.beat();
    expect(await store.nodes.heartbeat('slow', clock.now(), 5_000)).toBe('alive');
  });

  it('a node restarted under the same id first clears what its previous process left', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const before = node(store, clock, 'same-id');
    await before.reaper.beat();
    await before.presence.add({ roomId: 'r', userId: 'u1', connId: 'old-conn' });
    // kill -9, and back within the dead-after window: nobody reaped it.
    const after = node(store, clock, 'same-id');
    expect(await after.reaper.clearPrevious()).toBe(1);
    await after.reaper.beat();
    expect(await store.rooms.memberCount('r')).toBe(0);
  });
});
