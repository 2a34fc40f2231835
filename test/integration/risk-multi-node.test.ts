/**
 * Risk control across three node processes sharing one Redis, and a Redis Cluster: a user
 * spreading sends over every node cannot pass a daily cap, and a ban on one node disconnects
 * the user's sockets on the others within a second.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient, RedPacketError } from '@red-packet/sdk';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { sharedBackends, type Backend } from '../helpers/backends.js';

const backends = sharedBackends();

describe.each(backends)('risk control on 3 nodes on %s', (_name, makeBackend) => {
  const api = gameApi();
  let backend: Backend;
  let nodes: NodeProcess[] = [];
  const url = (i: number): string => nodes[i % nodes.length]!.url;

  beforeAll(async () => {
    backend = await makeBackend();
    const env = {
      ...backend.env,
      REDIS_KEY_PREFIX: `rmn-${randomBytes(3).toString('hex')}:`,
      RISK_DAILY_MAX_SENDS: '10',
    };
    nodes = await Promise.all([0, 1, 2].map((i) => startNodeProcess(env, `risk-${i}`)));
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all(nodes.map((n) => n.stop()));
    await backend.destroy();
  });

  it('one user sending from three nodes at once cannot pass the daily cap of 10', async () => {
    await api.mint(url(0), 'spreader', 100_000);
    const clients = await Promise.all([0, 1, 2].map((i) => api.client(url(i), 'spreader')));
    await Promise.all(clients.map((c) => c.join('spread')));
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        clients[i % 3]!.sendPacket({ roomId: 'spread', kind: 'lucky', total: 300 + i, count: 3 }),
      ),
    );
    const sent = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.packet] : []));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as RedPacketError] : []));
    expect(sent).toHaveLength(10);
    expect(new Set(refusals.map((e) => `${e.code}/${e.details.limit}`))).toEqual(
      new Set(['DAILY_LIMIT/daily-sends']),
    );
    const paid = sent.reduce((sum, p) => sum + p.total, 0);
    const me = await api.http(url(2), 'GET', '/v1/me', { token: await api.token('spreader') });
    expect(me.body.balance).toBe(100_000 - paid);
    await api.expectBalanced(url(1));
  }, 60_000);

  it('a ban on node A disconnects the user on nodes B and C within a second', async () => {
    const clients: RedPacketClient[] = await Promise.all(
      [1, 2].map((i) => api.client(url(i), 'banned-user')),
    );
    const admin = await api.token('ops', 'admin');
    const started = Date.now();
    const gone = clients.map(
      (c) =>
        new Promise<number>((resolve) => {
          c.socket.once('disconnect', () => resolve(Date.now() - started));
        }),
    );
    const res = await api.http(url(0), 'POST', '/v1/admin/users/banned-user/ban', {
      token: admin,
      body: { reason: 'multi-account farming' },
    });
    expect(res.status).toBe(200);
    const elapsed = await Promise.all(gone);
    expect(Math.max(...elapsed)).toBeLessThan(1_000);

    // Every node refuses them now: handshakes and HTTP.
    for (const i of [0, 1, 2]) {
      const refused = await api.client(url(i), 'banned-user').then(
        () => null,
        (err: unknown) => err as RedPacketError,
      );
      expect(refused).toMatchObject({ code: 'CONNECT_FAILED', message: 'FORBIDDEN' });
      expect(refused?.details.reason).toMatch(/this account is banned \(multi-account farming\)/);
    }
    const http = await api.http(url(2), 'GET', '/v1/me', { token: await api.token('banned-user') });
    expect(http.status).toBe(403);

    // Unbanned, they are let in again (and their wallet was never touched).
    await api.http(url(1), 'POST', '/v1/admin/users/banned-user/unban', { token: admin });
    const back = await api.client(url(1), 'banned-user');
    expect(back.connected).toBe(true);
    await api.expectBalanced(url(0));
  }, 60_000);
});
