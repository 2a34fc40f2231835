/**
 * A short real rain through the SDK: a host schedules it, 50 clients grab what they see,
 * everyone sees the end; the money adds up to the fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropView, RainEndedEvent } from '@red-packet/sdk/protocol';
import type { RedPacketClient, RedPacketError } from '@red-packet/sdk';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface Player {
  client: RedPacketClient;
  won: number[];
  refusals: string[];
  batches: number;
  dropIds: string[];
}

/** Grabs every drop the client sees, as a player tapping quickly would. */
function play(client: RedPacketClient, rainId: string): Player {
  const p: Player = { client, won: [], refusals: [], batches: 0, dropIds: [] };
  client.on('rain:drops', (e) => {
    if (e.rainId !== rainId) return;
    p.batches += 1;
    for (const d of e.drops) {
      p.dropIds.push(d.dropId);
      client.grabDrop(rainId, d.dropId).then(
        (r) => p.won.push(r.amount),
        (err: unknown) => p.refusals.push((err as RedPacketError).code),
      );
    }
  });
  return p;
}

describe.each(storeBackends())('rain on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer;
  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer(backend.env);
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('50 clients grab a rain: sums, refund, caps, batching, audit', async () => {
    await server.mint('rain-host', 100_000);
    const host = await server.client('rain-host', 'host');
    await host.join('plaza');
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => server.client(`p${i}`)));
    await Promise.all(clients.map((c) => c.join('plaza')));
    await clients[0]!.syncTime(3);

    const scheduledSeen = clients[0]!.waitFor('rain:scheduled');
    const spec = {
      roomId: 'plaza',
      total: 30_000,
      drops: 120,
      sharesPerDrop: 5,
      startInMs: 300,
      durationMs: 2_000,
      dropTtlMs: 800,
      maxGrabsPerUser: 4,
      // First come, tapping every drop at once (the lottery has its own test).
      mode: 'race' as const,
      maxTapsPerSec: 1_000,
    };
    const { rain } = await host.scheduleRain(spec);
    expect(rain).toMatchObject({
      status: 'scheduled',
      total: 30_000,
      drops: 120,
      released: 0,
      maxGrabsPerUser: 4,
    });
    expect(rain).not.toHaveProperty('seed');
    expect((await scheduledSeen).rain.id).toBe(rain.id);
    expect(await server.app.store.wallets.getBalance('rain-host')).toBe(70_000);
    // Before it starts the snapshot shows the countdown target and no drops.
    expect((await clients[1]!.join('plaza')).rain).toMatchObject({
      rain: { id: rain.id, status: 'scheduled' },
      drops: [],
    });
    expect(clients[0]!.msUntil(rain.startAt)).toBeLessThanOrEqual(300);

    const players = clients.map((c) => play(c, rain.id));
    const started = clients[0]!.waitFor('rain:started');
    const ended = new Promise<RainEndedEvent>((resolve) => clients[0]!.on('rain:ended', resolve));
    const endedForHost = host.waitFor('rain:ended', undefined, 15_000);
    expect((await started).rainId).toBe(rain.id);
    const end = await ended;
    await endedForHost;
    await Promise.all(players.map((p) => p.client.request('time:sync', {}))); // drain in-flight grab acks

    const wins = players.flatMap((p) => p.won);
    const paid = wins.reduce((a, b) => a + b, 0);
    expect(end).toMatchObject({ rainId: rain.id, reason: 'finished' });
    expect(end.totals.paid).toBe(paid);
    expect(end.totals.grabs).toBe(wins.length);
    expect(end.totals.refunded).toBe(30_000 - paid);
    expect(end.totals.winners).toBe(players.filter((p) => p.won.length > 0).length);
    expect(end.leaderboard.length).toBeGreaterThan(0);
    expect(end.leaderboard[0]!.amount).toBe(
      Math.max(...players.map((p) => p.won.reduce((a, b) => a + b, 0))),
    );
    // Caps hold; every refusal is one of the rules.
    for (const p of players) expect(p.won.length).toBeLessThanOrEqual(4);
    const codes = new Set(players.flatMap((p) => p.refusals));
    // (A tap still in flight when the last window closes meets a rain that has ended.)
    for (const code of codes)
      expect(['GRAB_CAP_REACHED', 'PACKET_EMPTY', 'DROP_NOT_ACTIVE', 'RAIN_NOT_ACTIVE']).toContain(code);
    expect(codes).toContain('GRAB_CAP_REACHED');
    // Batching: every client saw every drop once, in far fewer messages than drops.
    for (const p of players) {
      expect(p.dropIds).toHaveLength(120);
      expect(new Set(p.dropIds).size).toBe(120);
      expect(p.batches).toBeLessThan(40);
    }
    // The host got the rest back; each player's wallet holds exactly what they won.
    expect(await server.app.store.wallets.getBalance('rain-host')).toBe(70_000 + 30_000 - paid);
    for (const p of players.slice(0, 10)) {
      const me = await server.http('GET', '/v1/me', {
        token: await server.token(`p${clients.indexOf(p.client)}`),
      });
      expect(me.body.balance).toBe(p.won.reduce((a, b) => a + b, 0));
    }
    const details = await server.http('GET', `/v1/rains/${rain.id}`, {
      token: await server.token('someone'),
    });
    expect(details.body).toMatchObject({
      rain: { status: 'ended', released: 120, paid },
      totals: end.totals,
    });
    // A drop this node has no local knowledge of is judged by the store: the rain is over.
    await expect(clients[0]!.grabDrop(rain.id, 'd_AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({
      code: 'RAIN_NOT_ACTIVE',
    });
    await server.expectBalanced();
  }, 30_000);

  it('refuses forged and expired drop ids; a reconnecting client picks up the falling drops', async () => {
    await server.mint('host2', 10_000);
    const host = await server.client('host2', 'host');
    const alice = await server.client('alice2');
    await host.join('lane');
    await alice.join('lane');
    const { rain } = await host.scheduleRain({
      roomId: 'lane',
      total: 6_000,
      drops: 30,
      sharesPerDrop: 2,
      startInMs: 0,
      durationMs: 3_000,
      dropTtlMs: 400,
      mode: 'race',
    });
    const first = await alice.waitFor('rain:drops', (e) => e.rainId === rain.id);
    const firstDrop: DropView = first.drops[0]!;
    await expect(alice.grabDrop(rain.id, 'd_AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({
      code: 'DROP_NOT_ACTIVE',
    });
    await expect(alice.grabDrop('rn_nope', firstDrop.dropId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Mid-rain, a fresh join sees the rain running and the drops still falling.
    const snap = await alice.join('lane');
    expect(snap.rain?.rain).toMatchObject({ id: rain.id, status: 'running' });
    expect(snap.rain?.mine).toEqual({ grabs: 0, amount: 0 });
    // Wait (for events, not time) until the first drop's window has surely closed.
    await alice.waitFor(
      'rain:drops',
      (e) => e.rainId === rain.id && e.serverTime >= first.serverTime + firstDrop.ttlMs,
    );
    await expect(alice.grabDrop(rain.id, firstDrop.dropId)).rejects.toMatchObject({
      code: 'DROP_NOT_ACTIVE',
    });
    // Outsiders cannot grab; users cannot cancel someone else's rain.
    const bob = await server.client('bob2');
    await expect(bob.grabDrop(rain.id, firstDrop.dropId)).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(bob.cancelRain(rain.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const ended = alice.waitFor('rain:ended', (e) => e.rainId === rain.id);
    const { refunded } = await host.cancelRain(rain.id);
    expect(await ended).toMatchObject({ reason: 'cancelled', totals: { refunded } });
    await expect(host.cancelRain(rain.id)).rejects.toMatchObject({ code: 'RAIN_NOT_ACTIVE' });
    expect(refunded).toBe(6_000 - (await server.app.store.rains.getRain(rain.id))!.paid);
    await server.expectBalanced();
  }, 30_000);

  it('schedules, reads and cancels over HTTP, for hosts only', async () => {
    await server.mint('http-host', 5_000);
    const token = await server.token('http-host', 'host');
    const body = { total: 1_000, drops: 10, durationMs: 5_000, startInMs: 60_000 };
    const userRes = await server.http('POST', '/v1/rooms/hall/rains', {
      token: await server.token('pleb'),
      body,
    });
    expect(userRes.status).toBe(403);
    const created = await server.http('POST', '/v1/rooms/hall/rains', { token, body });
    expect(created.status).toBe(201);
    const rainId = (created.body.rain as { id: string }).id;
    const read = await server.http('GET', `/v1/rains/${rainId}`, { token });
    expect(read.body).toMatchObject({
      rain: { status: 'scheduled' },
      totals: { paid: 0, grabs: 0, winners: 0 },
      leaderboard: [],
    });
    expect(await server.http('DELETE', `/v1/rains/${rainId}`, { token })).toEqual({
      status: 200,
      body: { refunded: 1_000 },
    });
    expect(await server.app.store.wallets.getBalance('http-host')).toBe(5_000);
    const tooBig = await server.http('POST', '/v1/rooms/hall/rains', {
      token,
      body: { ...body, total: 2_000_000 },
    });
    expect(tooBig.body.error?.code).toBe('LIMIT_EXCEEDED');
    const broke = await server.http('POST', '/v1/rooms/hall/rains', {
      token,
      body: { ...body, total: 999_999 },
    });
    expect(broke.body.error?.code).toBe('INSUFFICIENT_FUNDS');
    await server.expectBalanced();
  });
});
