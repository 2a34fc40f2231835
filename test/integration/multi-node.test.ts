/**
 * Three server nodes (child processes) sharing one Redis, and the same on a 3-master Redis
 * Cluster: broadcasts cross nodes, and grab races resolve exactly once whatever node each
 * grabber is on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketHttp, type RedPacketError } from '@red-packet/sdk';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { sharedBackends, type Backend } from '../helpers/backends.js';

const backends = sharedBackends();

describe.each(backends)('3 nodes on %s', (_name, makeBackend) => {
  const api = gameApi();
  let backend: Backend;
  let nodes: NodeProcess[] = [];
  const url = (i: number): string => nodes[i % nodes.length]!.url;

  beforeAll(async () => {
    backend = await makeBackend();
    const env = { ...backend.env, REDIS_KEY_PREFIX: `mn-${randomBytes(3).toString('hex')}:` };
    nodes = await Promise.all([0, 1, 2].map((i) => startNodeProcess(env, `node-${i}`)));
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all(nodes.map((n) => n.stop()));
    await backend.destroy();
  });

  it('carries chat and presence across nodes', async () => {
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => api.client(url(i), `chatter-${i}`)));
    for (const client of [a!, b!, c!]) await client.join('shared');
    const snapshot = await a!.join('shared');
    expect(snapshot.members).toBe(3);
    const heardOnB = b!.waitFor('chat:message', (m) => m.text === 'across the wire');
    const heardOnC = c!.waitFor('chat:message', (m) => m.text === 'across the wire');
    await a!.chat('shared', 'across the wire');
    await Promise.all([heardOnB, heardOnC]);
    const late = await api.client(url(2), 'latecomer');
    expect((await late.join('shared')).chat.map((m) => m.text)).toContain('across the wire');
  });

  it('300 clients on 3 nodes race for a 100-share packet: exactly 100 winners', async () => {
    await api.mint(url(0), 'big-host', 20_000);
    const host = await api.client(url(0), 'big-host', 'host');
    await host.join('race');
    const racers = await Promise.all(Array.from({ length: 300 }, (_, i) => api.client(url(i), `r-${i}`)));
    await Promise.all(racers.map((r) => r.join('race')));
    const everyoneSaw = Promise.all(racers.map((r) => r.waitFor('packet:created')));
    const finishedOnNode2 = racers[2]!.waitFor('packet:finished');
    const { packet } = await host.sendPacket({ roomId: 'race', kind: 'lucky', total: 20_000, count: 100 });
    await everyoneSaw;

    const results = await Promise.allSettled(racers.map((r) => r.grab(packet.id)));
    const wins = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, amount: r.value.amount }] : []));
    const losses = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as RedPacketError).code] : [],
    );
    expect(wins).toHaveLength(100);
    expect(wins.reduce((s, w) => s + w.amount, 0)).toBe(20_000);
    expect(new Set(losses)).toEqual(new Set(['PACKET_EMPTY']));
    expect(await finishedOnNode2).toMatchObject({ packetId: packet.id, reason: 'empty' });

    // Retries, on any node, pay nothing.
    const retries = await Promise.allSettled(wins.slice(0, 30).map((w) => racers[w.i]!.grab(packet.id)));
    expect(retries.every((r) => r.status === 'rejected')).toBe(true);
    const details = await api.http(url(1), 'GET', `/v1/packets/${packet.id}`, {
      token: await api.token('x'),
    });
    expect((details.body.claims as unknown[]).length).toBe(100);
    for (const w of wins.slice(0, 10)) {
      const me = await api.http(url(2), 'GET', '/v1/me', { token: await api.token(`r-${w.i}`) });
      expect(me.body.balance).toBe(w.amount);
    }
    await api.expectBalanced(url(1));
  }, 60_000);

  it('a code issued on one node is claimed on others; a receive-code owner hears of a payment made elsewhere', async () => {
    const httpAs = async (i: number, userId: string): Promise<RedPacketHttp> =>
      new RedPacketHttp({ url: url(i), token: await api.token(userId) });
    await api.mint(url(0), 'qr-sender', 600);
    const sender = await api.client(url(0), 'qr-sender');
    await sender.join('qr-room');
    const { packet } = await sender.sendPacket({
      roomId: 'qr-room',
      kind: 'lucky',
      total: 600,
      count: 3,
      claim: { type: 'code' },
    });
    const { code } = await (await httpAs(0, 'qr-sender')).packetCode(packet.id);
    const scanner = await api.client(url(1), 'qr-scanner');
    await expect(scanner.claimCode(code)).resolves.toMatchObject({ packetId: packet.id, remaining: 2 });
    await expect((await httpAs(2, 'qr-scanner-2')).claim(code)).resolves.toMatchObject({ remaining: 1 });
    await expect((await httpAs(2, 'qr-scanner')).claim(code)).rejects.toMatchObject({
      code: 'ALREADY_GRABBED',
    });

    // The owner's socket is on node 1; the payer pays on node 0.
    const owner = await api.client(url(1), 'rc-owner');
    const ownerCode = await (await httpAs(1, 'rc-owner')).receiveCode();
    await api.mint(url(0), 'rc-payer', 300);
    const received = owner.waitFor('packet:received');
    const { packet: paid } = await (
      await httpAs(0, 'rc-payer')
    ).payReceiveCode({ code: ownerCode.code, amount: 300, greeting: 'for lunch' });
    expect(await received).toMatchObject({
      packet: { id: paid.id, total: 300 },
      from: { userId: 'rc-payer' },
    });
    await expect(owner.openPacket(paid.id)).resolves.toEqual({ amount: 300, remaining: 0 });
    await api.expectBalanced(url(2));
  }, 60_000);
});
