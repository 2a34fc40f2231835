/**
 * Two nodes sharing one Redis: what nodes tell each other besides room broadcasts
 * (services/cluster/node-relay.ts). A user's wallet notice reaches their connection on the other
 * node; a packet one node saw run out is refused by the other without a store call — proven
 * by freezing Redis before the grab: a store call would fail as STORE_UNAVAILABLE.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketError } from '@red-packet/sdk';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

describe('node relay on one Redis', () => {
  const api = gameApi();
  let redis: RedisHandle;
  let nodes: NodeProcess[] = [];
  const url = (i: number): string => nodes[i]!.url;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `nr-${randomBytes(3).toString('hex')}:` };
    nodes = await Promise.all([0, 1].map((i) => startNodeProcess(env, `relay-${i}`)));
  }, 60_000);

  afterAll(async () => {
    redis.resume();
    api.closeClients();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.destroy();
  });

  it("a grab's wallet:updated reaches the grabber's connection on the other node", async () => {
    await api.mint(url(0), 'relay-host', 1_000);
    const host = await api.client(url(0), 'relay-host', 'host');
    await host.join('relay-wallet');
    const here = await api.client(url(0), 'relay-user');
    const there = await api.client(url(1), 'relay-user');
    await here.join('relay-wallet');
    const { packet } = await host.sendPacket({
      roomId: 'relay-wallet',
      kind: 'equal',
      amount: 100,
      count: 2,
    });
    const remote = there.waitFor('wallet:updated');
    const local = here.waitFor('wallet:updated');
    await here.grab(packet.id);
    expect(await local).toEqual({ balance: 100 });
    expect(await remote).toEqual({ balance: 100 });
    await api.expectBalanced(url(1));
  });

  it('a packet that ran out on one node is refused on the other without a store call', async () => {
    await api.mint(url(0), 'relay-sender', 1_000);
    const sender = await api.client(url(0), 'relay-sender', 'host');
    await sender.join('relay-room');
    const first = await api.client(url(1), 'relay-first');
    const last = await api.client(url(0), 'relay-last');
    const watcher = await api.client(url(1), 'relay-watcher');
    const late = await api.client(url(1), 'relay-late');
    for (const c of [first, last, watcher, late]) await c.join('relay-room');
    const { packet } = await sender.sendPacket({ roomId: 'relay-room', kind: 'equal', amount: 10, count: 2 });
    await first.grab(packet.id); // node 1 now knows the packet's room, and that it is open
    const finished = watcher.waitFor('packet:finished', (e) => e.packetId === packet.id);
    await last.grab(packet.id); // node 0 takes the last share
    await finished; // node 1 heard the relay before this broadcast (same connections, in order)
    redis.pause();
    try {
      const refusal = await late.grab(packet.id).then(
        () => null,
        (err: unknown) => err as RedPacketError,
      );
      expect(refusal?.code).toBe('PACKET_EMPTY');
    } finally {
      redis.resume();
    }
    await api.expectBalanced(url(1));
  });
});
