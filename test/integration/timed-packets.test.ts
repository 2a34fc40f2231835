/**
 * Timed packets (定时红包) end to end, on the memory store and on Redis, with the server's clock
 * driven by hand: announced at once with its opening time, NOT_OPEN_YET (with opensInMs)
 * before it, grabbable after it, expiring a lifetime after it, cancellable before it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketError, type RedPacketClient } from '@red-packet/sdk';
import { ManualClock } from '../../server/domain/clock.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

async function refusal(promise: Promise<unknown>): Promise<RedPacketError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RedPacketError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each(storeBackends())('timed packets on %s', (_name, makeBackend) => {
  const clock = new ManualClock(Date.now());
  let backend: Backend;
  let server: TestServer;
  let host: RedPacketClient;
  let guest: RedPacketClient;
  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer(
      {
        ...backend.env,
        PACKET_TTL_MS: '60000',
        PACKET_MAX_OPEN_DELAY_MS: '3600000',
        SWEEP_INTERVAL_MS: '3600000',
      },
      { clock },
    );
    await server.mint('timer', 10_000);
    host = await server.client('timer', 'host');
    guest = await server.client('guest');
    for (const c of [host, guest]) await c.join('countdown');
  });
  afterEach(async () => {
    await server.expectBalanced();
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('is funded and announced at once, refused before its opening, grabbable after', async () => {
    const announced = guest.waitFor('packet:created');
    const now = clock.now();
    const { packet } = await host.sendPacket({
      roomId: 'countdown',
      kind: 'equal',
      amount: 100,
      count: 2,
      opensInMs: 30_000,
    });
    expect(packet).toMatchObject({ opensAt: now + 30_000, expiresAt: now + 30_000 + 60_000, status: 'open' });
    expect(await announced).toEqual(packet);
    expect(await server.app.store.wallets.getBalance('timer')).toBe(10_000 - 200);
    expect((await guest.join('countdown')).packets.map((p) => p.opensAt)).toContain(now + 30_000);

    clock.advance(10_000);
    const early = await refusal(guest.grab(packet.id));
    expect(early.code).toBe('NOT_OPEN_YET');
    expect(early.details).toEqual({ opensAt: now + 30_000, opensInMs: 20_000 });
    const http = await server.http('GET', `/v1/packets/${packet.id}`, { token: await server.token('guest') });
    expect(http.body).toMatchObject({ packet: { remainingCount: 2 }, claims: [] });

    clock.advance(20_000);
    expect(await guest.grab(packet.id)).toMatchObject({ amount: 100, remaining: 1 });
    // The lifetime counts from the opening.
    clock.advance(59_999);
    expect(await server.app.sweeper.sweep()).toBe(0);
    clock.advance(1);
    expect(await server.app.sweeper.sweep()).toBe(1);
    expect(await server.app.store.wallets.getBalance('timer')).toBe(10_000 - 100);
  });

  it('its sender cancels it before the opening for a full refund; nobody else can', async () => {
    const before = await server.app.store.wallets.getBalance('timer');
    const { packet } = await host.sendPacket({
      roomId: 'countdown',
      kind: 'lucky',
      total: 500,
      count: 3,
      opensAt: clock.now() + 5_000,
    });
    expect((await refusal(guest.cancelPacket(packet.id))).code).toBe('FORBIDDEN');
    const finished = guest.waitFor('packet:finished', (e) => e.packetId === packet.id);
    const refunded = host.waitFor('wallet:updated', (w) => w.balance === before);
    expect(await host.cancelPacket(packet.id)).toEqual({ refunded: 500 });
    expect(await finished).toMatchObject({ reason: 'cancelled', refunded: 500, bestLuck: null });
    await refunded;
    expect((await refusal(host.cancelPacket(packet.id))).code).toBe('FORBIDDEN');
    clock.advance(5_000);
    expect((await refusal(guest.grab(packet.id))).code).toBe('PACKET_EXPIRED');
    expect(await server.app.store.wallets.getBalance('timer')).toBe(before);
  });

  it('cannot be cancelled once open; over HTTP too', async () => {
    const token = await server.token('timer', 'host');
    const sent = await server.http('POST', '/v1/rooms/countdown/packets', {
      token,
      body: { kind: 'equal', amount: 10, count: 1, opensInMs: 1_000 },
    });
    expect(sent.status).toBe(201);
    const id = (sent.body.packet as { id: string }).id;
    clock.advance(1_000);
    expect((await server.http('DELETE', `/v1/packets/${id}`, { token })).status).toBe(403);
    expect(await guest.grab(id)).toMatchObject({ amount: 10 });
  });

  it('refuses an opening beyond the horizon, and both opening fields at once', async () => {
    await expect(
      host.sendPacket({ roomId: 'countdown', kind: 'equal', amount: 1, count: 1, opensInMs: 3_600_001 }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(
      host.sendPacket({
        roomId: 'countdown',
        kind: 'equal',
        amount: 1,
        count: 1,
        opensInMs: 1,
        opensAt: clock.now() + 5,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const early = await server.http('POST', '/v1/rooms/countdown/packets', {
      token: await server.token('timer', 'host'),
      body: { kind: 'equal', amount: 1, count: 1, opensInMs: 3_600_001 },
    });
    expect(early.status).toBe(422);
  });
});
