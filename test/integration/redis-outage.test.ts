/**
 * Redis trouble: requests that need the store answer STORE_UNAVAILABLE promptly (never hang),
 * /readyz turns 503, sockets stay up, and everything recovers by itself — without paying
 * anything twice across the outage.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import { ManualClock } from '../../server/domain/clock.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('Redis outage', () => {
  const clock = new ManualClock(Date.now());
  let redis: RedisHandle;
  let server: TestServer;
  let host: RedPacketClient;
  let player: RedPacketClient;

  beforeAll(async () => {
    redis = await startRedis();
    server = await startTestServer(
      {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `out-${randomBytes(3).toString('hex')}:`,
        RECONCILE_INTERVAL_MS: '3600000',
      },
      { clock },
    );
    await server.mint('o-host', 1_000);
    // An ack timeout well above the store's 1 s command timeout: a hang would show as TIMEOUT.
    host = await server.client('o-host', 'host', { ackTimeoutMs: 4_000 });
    player = await server.client('o-player', 'user', { ackTimeoutMs: 4_000 });
    await host.join('storm');
    await player.join('storm');
  }, 30_000);

  afterAll(async () => {
    await server.close();
    await redis.destroy();
  });

  const readyStatus = async (): Promise<number> => (await server.http('GET', '/readyz')).status;

  it('answers STORE_UNAVAILABLE while Redis is down, keeps sockets up, and recovers', async () => {
    const { packet } = await host.sendPacket({ roomId: 'storm', kind: 'equal', amount: 100, count: 5 });
    await redis.stop();
    await expect(player.grab(packet.id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(
      host.sendPacket({ roomId: 'storm', kind: 'equal', amount: 1, count: 1 }),
    ).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect(await readyStatus()).toBe(503);
    expect(player.connected).toBe(true);
    expect((await player.request('time:sync', {})).serverTime).toBeGreaterThan(0);

    await redis.restart();
    await expect.poll(readyStatus, { timeout: 10_000 }).toBe(200);
    expect(await player.grab(packet.id)).toEqual({ amount: 100, remaining: 4, balance: 100 });
    await expect(player.grab(packet.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    expect(await server.app.store.wallets.getBalance('o-player')).toBe(100);
    await server.expectBalanced();
  }, 30_000);

  it('a grab that timed out while Redis hung is paid exactly once after it returns', async () => {
    const { packet } = await host.sendPacket({ roomId: 'storm', kind: 'equal', amount: 50, count: 4 });
    const before = await server.app.store.wallets.getBalance('o-player');
    redis.pause();
    // The grab script reaches Redis but no answer comes back in time.
    await expect(player.grab(packet.id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await readyStatus()).toBe(503);
    redis.resume();
    await expect.poll(readyStatus, { timeout: 10_000 }).toBe(200);

    // The script ran late. On one Redis the claim and its credit are one script
    // (grabAndCredit), so both landed together: a retry is refused, nothing is in flight, and
    // the reconciler has nothing left to pay — the share was paid exactly once.
    await expect(player.grab(packet.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    expect(await server.app.store.wallets.getBalance('o-player')).toBe(before + 50);
    expect(await server.audit()).toMatchObject({ balanced: true, inFlight: 0 });
    clock.advance(60_000);
    expect(await server.app.reconciler.reconcile()).toMatchObject({ credited: 0 });
    expect(await server.app.store.wallets.getBalance('o-player')).toBe(before + 50);
    expect(await server.expectBalanced()).toMatchObject({ inFlight: 0 });
  }, 30_000);

  it('answers grabs of a packet it has seen run out without asking Redis', async () => {
    const { packet } = await host.sendPacket({ roomId: 'storm', kind: 'equal', amount: 10, count: 1 });
    await player.grab(packet.id);
    redis.pause();
    try {
      // Redis is frozen, so only an answer made on this node can arrive.
      await expect(host.grab(packet.id)).rejects.toMatchObject({ code: 'PACKET_EMPTY' });
    } finally {
      redis.resume();
    }
    await expect.poll(readyStatus, { timeout: 10_000 }).toBe(200);
    await server.expectBalanced();
  }, 30_000);
});
