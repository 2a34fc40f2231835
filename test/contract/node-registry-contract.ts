/**
 * The node-registry part of the store contract (called from describeStoreContract):
 * liveness by injected time, memberships tracked per node, and forgetting only the dead.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.js';

const T0 = 1_700_000_000_000;

export function describeNodeRegistryContract(getStore: () => Store): void {
  describe('node registry', () => {
    it('a first beat is late, a timely one alive, a lapsed one late again', async () => {
      const { nodes } = getStore();
      expect(await nodes.heartbeat('n1', T0, 1_000)).toBe('late');
      expect(await nodes.heartbeat('n1', T0 + 900, 1_000)).toBe('alive');
      expect(await nodes.heartbeat('n1', T0 + 1_900, 1_000)).toBe('alive');
      expect(await nodes.heartbeat('n1', T0 + 3_000, 1_000)).toBe('late');
    });

    it('lists nodes whose record lapsed, and forgets only those', async () => {
      const { nodes } = getStore();
      await nodes.heartbeat('alive', T0, 5_000);
      await nodes.heartbeat('dead', T0, 1_000);
      expect(await nodes.deadNodes(T0 + 1_000, 10)).toEqual([]);
      expect(await nodes.deadNodes(T0 + 1_001, 10)).toEqual(['dead']);
      expect(await nodes.forget('alive', T0 + 1_001)).toBe(false);
      expect(await nodes.forget('dead', T0 + 1_001)).toBe(true);
      expect(await nodes.forget('dead', T0 + 1_001)).toBe(true); // idempotent
      expect(await nodes.deadNodes(T0 + 10_000, 10)).toEqual(['alive']);
    });

    it('a node that beats again before it is forgotten stays', async () => {
      const { nodes } = getStore();
      await nodes.heartbeat('slow', T0, 1_000);
      expect(await nodes.deadNodes(T0 + 2_000, 10)).toEqual(['slow']);
      expect(await nodes.heartbeat('slow', T0 + 2_000, 1_000)).toBe('late');
      expect(await nodes.forget('slow', T0 + 2_000)).toBe(false);
      expect(await nodes.deadNodes(T0 + 2_000, 10)).toEqual([]);
    });

    it('a reaped mark makes the next beat late once, and goes with a forgotten node', async () => {
      const { nodes } = getStore();
      await nodes.heartbeat('m1', T0, 5_000);
      await nodes.markReaped('m1');
      expect(await nodes.heartbeat('m1', T0 + 1_000, 5_000)).toBe('late'); // record live, but reaped
      expect(await nodes.heartbeat('m1', T0 + 2_000, 5_000)).toBe('alive');
      await nodes.heartbeat('m2', T0, 1_000);
      await nodes.markReaped('m2');
      expect(await nodes.forget('m2', T0 + 1_001)).toBe(true);
      expect(await nodes.heartbeat('m2', T0 + 1_002, 1_000)).toBe('late'); // no record: late anyway
      expect(await nodes.heartbeat('m2', T0 + 1_500, 1_000)).toBe('alive'); // the mark went too
    });

    it('tracks memberships per node, idempotently', async () => {
      const { nodes } = getStore();
      const m = (roomId: string, connId: string, userId = 'u1') => ({ roomId, connId, userId });
      await nodes.track('a', m('r1', 'c1'));
      await nodes.track('a', m('r1', 'c1'));
      await nodes.track('a', m('r2', 'c1'));
      await nodes.track('a', m('r:odd.id', 'c2', 'u2'));
      await nodes.track('b', m('r1', 'c9'));
      const sorted = (list: { roomId: string; connId: string }[]) =>
        [...list].sort((x, y) => (x.roomId + x.connId < y.roomId + y.connId ? -1 : 1));
      expect(sorted(await nodes.memberships('a', 10))).toEqual(
        sorted([m('r1', 'c1'), m('r2', 'c1'), m('r:odd.id', 'c2', 'u2')]),
      );
      await nodes.untrack('a', 'r1', 'c1');
      await nodes.untrack('a', 'r1', 'c1');
      await nodes.untrack('a', 'nowhere', 'c0');
      expect(await nodes.memberships('a', 10)).toHaveLength(2);
      expect(await nodes.memberships('b', 10)).toEqual([m('r1', 'c9')]);
      expect(await nodes.memberships('never', 10)).toEqual([]);
    });
  });
}
