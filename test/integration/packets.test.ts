import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PacketView } from '@red-packet/sdk/protocol';
import { RedPacketError, type RedPacketClient } from '@red-packet/sdk';
import { ManualClock } from '../../server/domain/clock.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe.each(storeBackends())('group packets on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer;
  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer(backend.env);
  });
  afterEach(async () => {
    await server.expectBalanced();
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('sends, broadcasts, grabs, and finishes with best luck', async () => {
    await server.mint('host1', 1_000);
    const host = await server.client('host1', 'host');
    const [a, b] = [await server.client('pa'), await server.client('pb')];
    for (const c of [host, a, b]) await c.join('party');

    const created = a.waitFor('packet:created');
    const hostWallet = host.waitFor('wallet:updated');
    const { packet } = await host.sendPacket({
      roomId: 'party',
      kind: 'lucky',
      total: 300,
      count: 2,
      greeting: '恭喜发财',
    });
    expect(packet).toMatchObject({
      roomId: 'party',
      senderId: 'host1',
      kind: 'lucky',
      total: 300,
      count: 2,
      status: 'open',
      remainingCount: 2,
      greeting: '恭喜发财',
    });
    expect(await created).toEqual(packet);
    expect(await hostWallet).toEqual({ balance: 700 });

    const grabbed = b.waitFor('packet:grabbed', (e) =>
      e.packets.some((p) => p.grabs.some((g) => g.userId === 'pa')),
    );
    const aWallet = a.waitFor('wallet:updated');
    const first = await a.grab(packet.id);
    expect(first.remaining).toBe(1);
    expect(await grabbed).toMatchObject({
      roomId: packet.roomId,
      packets: [
        {
          packetId: packet.id,
          grabs: [{ userId: 'pa', name: 'pa', amount: first.amount }],
          remainingCount: 1,
        },
      ],
    });
    expect(await aWallet).toEqual({ balance: first.amount });

    await expect(a.grab(packet.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    const finished = a.waitFor('packet:finished');
    const second = await b.grab(packet.id);
    expect(first.amount + second.amount).toBe(300);
    const best =
      first.amount >= second.amount
        ? { userId: 'pa', amount: first.amount }
        : { userId: 'pb', amount: second.amount };
    expect(await finished).toMatchObject({
      packetId: packet.id,
      reason: 'empty',
      refunded: 0,
      bestLuck: best,
    });

    // Once a node knows the packet is empty it answers without the store, to everyone.
    await expect(a.grab(packet.id)).rejects.toMatchObject({ code: 'PACKET_EMPTY' });
    const host2 = await server.client('host1b');
    await host2.join('party');
    await expect(host2.grab(packet.id)).rejects.toMatchObject({ code: 'PACKET_EMPTY' });

    const details = await server.http('GET', `/v1/packets/${packet.id}`, {
      token: await server.token('anyone'),
    });
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      packet: { id: packet.id, status: 'finished', remainingCount: 0 },
      bestLuck: best,
    });
    expect((details.body.claims as { userId: string }[]).map((c) => c.userId).sort()).toEqual(['pa', 'pb']);
  });

  it("a grab's ack carries the balance; the grabber's other connection hears wallet:updated", async () => {
    await server.mint('wallet-host', 1_000);
    const host = await server.client('wallet-host', 'host');
    const phone = await server.client('two-devices');
    const laptop = await server.client('two-devices');
    for (const c of [host, phone]) await c.join('wallets');
    const { packet } = await host.sendPacket({ roomId: 'wallets', kind: 'equal', amount: 40, count: 2 });
    const heardOnPhone: number[] = [];
    phone.on('wallet:updated', (w) => heardOnPhone.push(w.balance));
    const laptopHears = laptop.waitFor('wallet:updated');
    const result = await phone.grab(packet.id);
    expect(result).toEqual({ amount: 40, remaining: 1, balance: 40 });
    expect(heardOnPhone).toEqual([40]); // raised by the SDK from the ack, before grab() resolved
    expect(await laptopHears).toEqual({ balance: 40 });
    // The server sent the grabbing connection no notice of its own: a chat round trip later
    // (same connection, in order), the phone has still heard exactly one.
    await phone.chat('wallets', 'thanks');
    expect(heardOnPhone).toEqual([40]);
  });

  it('coalesces a crowd of grabs into few packet:grabbed messages, all before packet:finished', async () => {
    await server.mint('batcher', 5_000);
    const host = await server.client('batcher', 'host');
    await host.join('batch-room');
    const crowd = await Promise.all(Array.from({ length: 50 }, (_, i) => server.client(`batch-${i}`)));
    await Promise.all(crowd.map((c) => c.join('batch-room')));
    const events: string[] = [];
    const grabbedUsers: string[] = [];
    host.on('packet:grabbed', (e) => {
      events.push('grabbed');
      for (const p of e.packets) grabbedUsers.push(...p.grabs.map((g) => g.userId));
    });
    const finished = host.waitFor('packet:finished');
    const { packet } = await host.sendPacket({ roomId: 'batch-room', kind: 'equal', amount: 100, count: 50 });
    await Promise.all(crowd.map((c) => c.grab(packet.id)));
    await finished;
    events.push('finished');
    expect(grabbedUsers.sort()).toEqual(crowd.map((_, i) => `batch-${i}`).sort());
    expect(events.at(-1)).toBe('finished');
    expect(events.length - 1).toBeLessThan(50); // batched: fewer messages than grabs
  });

  it('200 concurrent grabbers of a 100-share packet: exactly 100 winners summing to the total', async () => {
    await server.mint('whale', 20_000);
    const whale = await server.client('whale', 'host');
    await whale.join('arena');
    const clients = await Promise.all(Array.from({ length: 200 }, (_, i) => server.client(`racer-${i}`)));
    await Promise.all(clients.map((c) => c.join('arena')));
    const seen = Promise.all(clients.map((c) => c.waitFor('packet:created')));
    const { packet } = await whale.sendPacket({ roomId: 'arena', kind: 'lucky', total: 20_000, count: 100 });
    await seen;

    const results = await Promise.allSettled(clients.map((c) => c.grab(packet.id)));
    const wins = results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ user: `racer-${i}`, amount: r.value.amount }] : [],
    );
    const losses = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as RedPacketError] : []));
    expect(wins).toHaveLength(100);
    expect(wins.reduce((s, w) => s + w.amount, 0)).toBe(20_000);
    expect(losses).toHaveLength(100);
    expect(new Set(losses.map((e) => e.code))).toEqual(new Set(['PACKET_EMPTY']));

    // Retries pay nothing: balances equal the single wins.
    const winner = clients[Number(wins[0]!.user.split('-')[1])]!;
    await expect(winner.grab(packet.id)).rejects.toMatchObject({ code: 'PACKET_EMPTY' });
    const balances = await Promise.all(wins.map((w) => server.app.store.wallets.getBalance(w.user)));
    expect(balances).toEqual(wins.map((w) => w.amount));
    expect(await server.app.store.wallets.getBalance('whale')).toBe(0);
  });

  it('equal packets pay the same to everyone; sent over HTTP too', async () => {
    await server.mint('eq-host', 500);
    const token = await server.token('eq-host', 'host');
    const [x, y] = [await server.client('eq-x'), await server.client('eq-y')];
    await x.join('eq');
    await y.join('eq');
    const created = x.waitFor('packet:created');
    const res = await server.http('POST', '/v1/rooms/eq/packets', {
      token,
      body: { kind: 'equal', amount: 150, count: 3 },
    });
    expect(res.status).toBe(201);
    const packet = (res.body as unknown as { packet: PacketView }).packet;
    expect(packet).toMatchObject({ kind: 'equal', total: 450, count: 3 });
    expect(await created).toEqual(packet);
    expect(await x.grab(packet.id)).toEqual({ amount: 150, remaining: 2, balance: 150 });
    expect(await y.grab(packet.id)).toEqual({ amount: 150, remaining: 1, balance: 150 });
    const snap = await x.join('eq');
    expect(snap.packets).toEqual([{ ...packet, remainingCount: 1, mine: { amount: 150 }, listen: null }]);
    expect((await server.http('GET', '/v1/me', { token })).body.balance).toBe(50);
  });

  it('insufficient funds and broken limits leave no trace', async () => {
    await server.mint('poor', 100);
    const poor = await server.client('poor');
    await poor.join('broke');
    const before = await server.audit();
    await expect(
      poor.sendPacket({ roomId: 'broke', kind: 'lucky', total: 101, count: 1 }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await expect(
      poor.sendPacket({ roomId: 'broke', kind: 'lucky', total: 20_001, count: 1 }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(
      poor.sendPacket({ roomId: 'broke', kind: 'equal', amount: 1, count: 101 }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(await server.app.store.wallets.getBalance('poor')).toBe(100);
    expect(await server.app.store.wallets.ledger('poor', 10)).toHaveLength(1);
    expect((await poor.join('broke')).packets).toEqual([]);
    expect(await server.audit()).toEqual(before);
  });

  it('refuses grabs from outside the room and for unknown packets', async () => {
    await server.mint('roomy', 100);
    const roomy = await server.client('roomy');
    await roomy.join('inside');
    const { packet } = await roomy.sendPacket({ roomId: 'inside', kind: 'lucky', total: 100, count: 2 });
    const outsider = await server.client('outsider');
    await expect(outsider.grab(packet.id)).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(outsider.grab('pk_doesnotexist')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      roomy.sendPacket({ roomId: 'not-joined', kind: 'lucky', total: 10, count: 1 }),
    ).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    const res = await server.http('GET', '/v1/packets/pk_doesnotexist', { token: await server.token('x') });
    expect(res.status).toBe(404);
  });
});

describe.each(storeBackends())('packet expiry on %s', (_name, makeBackend) => {
  const clock = new ManualClock(Date.now());
  let backend: Backend;
  let server: TestServer;
  let host: RedPacketClient;
  beforeAll(async () => {
    backend = await makeBackend();
    // Timers are driven by hand: the sweeper never fires on its own during the test.
    server = await startTestServer(
      { ...backend.env, PACKET_TTL_MS: '60000', SWEEP_INTERVAL_MS: '3600000' },
      { clock },
    );
    await server.mint('sender', 1_000);
    host = await server.client('sender', 'host');
    await host.join('slow');
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('refunds the remainder to the sender once, and announces it', async () => {
    const { packet } = await host.sendPacket({ roomId: 'slow', kind: 'lucky', total: 1_000, count: 5 });
    const taker = await server.client('taker');
    await taker.join('slow');
    const { amount } = await taker.grab(packet.id);

    clock.advance(59_999);
    expect(await server.app.sweeper.sweep()).toBe(0);
    clock.advance(1);
    const finished = taker.waitFor('packet:finished');
    const refunded = host.waitFor('wallet:updated');
    expect(await server.app.sweeper.sweep()).toBe(1);
    expect(await finished).toMatchObject({
      packetId: packet.id,
      reason: 'expired',
      refunded: 1_000 - amount,
      bestLuck: { userId: 'taker', amount },
    });
    expect(await refunded).toEqual({ balance: 1_000 - amount });
    expect(await server.app.sweeper.sweep()).toBe(0);
    expect(await server.app.packets.expire(packet.id)).toBe(false);
    await expect(taker.grab(packet.id)).rejects.toMatchObject({ code: 'PACKET_EXPIRED' });
    const late = await server.client('late');
    await late.join('slow');
    await expect(late.grab(packet.id)).rejects.toMatchObject({ code: 'PACKET_EXPIRED' });
    expect((await late.join('slow')).packets).toEqual([]);
    await server.expectBalanced();
    expect(await server.app.store.wallets.getBalance('sender')).toBe(1_000 - amount);
  });
});
