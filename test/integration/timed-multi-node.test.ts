/**
 * A timed packet sent on node A opens for grabs on node B while node A is stopped: the
 * opening lives in the packet (enforced by the store's grab step), not in a timer of the
 * node that sent it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketError, type RedPacketClient } from '@red-packet/sdk';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

/** Grabs until the packet opens, waiting each time for as long as the server says is left. */
async function grabOnceOpen(
  client: RedPacketClient,
  packetId: string,
): Promise<{ amount: number; early: number }> {
  for (let early = 0; ; early++) {
    try {
      return { ...(await client.grab(packetId)), early };
    } catch (err) {
      if (!(err instanceof RedPacketError) || err.code !== 'NOT_OPEN_YET') throw err;
      await new Promise((resolve) => setTimeout(resolve, (err.details.opensInMs ?? 0) + 1));
    }
  }
}

describe('a timed packet across nodes', () => {
  const api = gameApi();
  let redis: RedisHandle;
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `tm-${randomBytes(3).toString('hex')}:` };
    [a, b] = await Promise.all([startNodeProcess(env, 'timed-a'), startNodeProcess(env, 'timed-b')]);
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all([a.stop(), b.stop()]);
    await redis.destroy();
  });

  it('opens on node B after node A, which sent it, has stopped', async () => {
    await api.mint(a.url, 'timed-host', 300);
    const host = await api.client(a.url, 'timed-host', 'host');
    await host.join('later');
    const guests = await Promise.all([1, 2, 3].map((i) => api.client(b.url, `later-${i}`)));
    for (const g of guests) await g.join('later');
    const seen = guests[0]!.waitFor('packet:created');
    const { packet } = await host.sendPacket({
      roomId: 'later',
      kind: 'equal',
      amount: 100,
      count: 3,
      opensInMs: 1_500,
    });
    expect(await seen).toMatchObject({ id: packet.id, opensAt: packet.opensAt });
    await a.stop();

    const results = await Promise.all(guests.map((g) => grabOnceOpen(g, packet.id)));
    expect(results.map((r) => r.amount)).toEqual([100, 100, 100]);
    // Each was refused at least once before the opening (the send-to-grab path takes far
    // less than 1.5 s), and paid after it.
    expect(results.every((r) => r.early >= 1)).toBe(true);
    const details = await api.http(b.url, 'GET', `/v1/packets/${packet.id}`, { token: await api.token('x') });
    const claims = details.body.claims as { at: number }[];
    expect(claims).toHaveLength(3);
    expect(claims.every((c) => c.at >= (packet.opensAt ?? Infinity))).toBe(true);
    await api.expectBalanced(b.url);
  }, 60_000);
});
