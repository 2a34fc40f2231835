/**
 * One driver per rain, with takeover: four nodes share one Redis; the node driving a rain is
 * killed mid-rain (SIGKILL: no lease hand-back). Another node takes the lease within its TTL
 * and continues from the recorded cursor: clients on the surviving nodes see every drop
 * exactly once and the end, and the money adds up.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RainEndedEvent } from '@red-packet/sdk/protocol';
import type { RedPacketClient } from '@red-packet/sdk';
import type { ReplayBundle } from '@red-packet/sdk/rain-fairness';
import { verifyReplay } from '../../server/domain/rain-replay.js';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

describe('rain driver takeover on Redis', () => {
  const api = gameApi();
  let redis: RedisHandle;
  let nodes: NodeProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `tk-${randomBytes(3).toString('hex')}:`,
      RAIN_LEASE_TTL_MS: '1500',
      RAIN_SCAN_MS: '200',
    };
    nodes = await Promise.all([0, 1, 2, 3].map((i) => startNodeProcess(env, `node-${i}`)));
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.destroy();
  });

  /** Resolves with the node that logs it drives `rainId` (waits on its log lines). */
  async function driverOf(rainId: string, among: NodeProcess[]): Promise<NodeProcess> {
    await expect
      .poll(() => among.some((n) => n.logs.some((l) => l.includes('driving rain') && l.includes(rainId))), {
        timeout: 10_000,
        interval: 50,
      })
      .toBe(true);
    return among.find((n) => n.logs.some((l) => l.includes('driving rain') && l.includes(rainId)))!;
  }

  it('continues from the recorded point when the driver dies: no drop twice, none lost', async () => {
    await api.mint(nodes[0]!.url, 'tk-host', 50_000);
    const host = await api.client(nodes[0]!.url, 'tk-host', 'host');
    await host.join('storm');
    const { rain } = await host.scheduleRain({
      roomId: 'storm',
      total: 40_000,
      drops: 80,
      sharesPerDrop: 2,
      startInMs: 500,
      durationMs: 4_000,
      dropTtlMs: 1_000,
      mode: 'race',
      maxTapsPerSec: 1_000,
    });
    const driver = await driverOf(rain.id, nodes);
    const survivors = nodes.filter((n) => n !== driver);

    // Watchers and players on the surviving nodes only.
    const seen: string[] = [];
    const won: number[] = [];
    const watchers: RedPacketClient[] = [];
    for (const [i, node] of survivors.entries()) {
      const c = await api.client(node.url, `watch-${i}`);
      await c.join('storm');
      watchers.push(c);
    }
    watchers[0]!.on('rain:drops', (e) => {
      if (e.rainId !== rain.id) return;
      for (const d of e.drops) {
        seen.push(d.dropId);
        watchers[d.dropId.charCodeAt(3) % watchers.length]!.grabDrop(rain.id, d.dropId).then(
          (r) => won.push(r.amount),
          () => undefined,
        );
      }
    });
    const ended = new Promise<RainEndedEvent>((resolve) => watchers[0]!.on('rain:ended', resolve));

    // Let some drops fall, then kill the driver outright (no lease hand-back).
    await watchers[0]!.waitFor('rain:drops', (e) => e.rainId === rain.id && seen.length >= 10);
    await driver.kill();
    const successor = await driverOf(rain.id, survivors);
    expect(survivors).toContain(successor);

    const end = await ended;
    expect(end.reason).toBe('finished');
    expect(seen).toHaveLength(80); // every drop released …
    expect(new Set(seen).size).toBe(80); // … exactly once
    await Promise.all(watchers.map((w) => w.request('time:sync', {}))); // drain grab acks
    const paid = won.reduce((a, b) => a + b, 0);
    expect(end.totals.paid).toBe(paid);
    expect(end.totals.refunded).toBe(40_000 - paid);
    const details = await api.http(survivors[0]!.url, 'GET', `/v1/rains/${rain.id}`, {
      token: await api.token('x'),
    });
    expect(details.body).toMatchObject({ rain: { status: 'ended', released: 80 } });
    await api.expectBalanced(survivors[1]!.url);
  }, 60_000);

  it('a lottery window open when its driver dies closes on a survivor and pays exactly once', async () => {
    const live: NodeProcess[] = [];
    for (const n of nodes) if ((await fetch(`${n.url}/healthz`).catch(() => null))?.ok) live.push(n);
    expect(live.length).toBeGreaterThanOrEqual(2);
    await api.mint(live[0]!.url, 'tk-lot-host', 10_000);
    const host = await api.client(live[0]!.url, 'tk-lot-host', 'host');
    await host.join('jackpot');
    // One drop whose window stays open long enough to kill its driver inside it.
    const { rain } = await host.scheduleRain({
      roomId: 'jackpot',
      total: 800,
      drops: 1,
      sharesPerDrop: 4,
      startInMs: 300,
      durationMs: 1_000,
      dropTtlMs: 5_000,
      reactionFloorMs: 0,
      windowMs: 4_000,
    });
    const driver = await driverOf(rain.id, live);
    const survivors = live.filter((n) => n !== driver);
    const players: RedPacketClient[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await api.client(survivors[i % survivors.length]!.url, `lot-${i}`);
      await c.join('jackpot');
      players.push(c);
    }
    const ended = players[0]!.waitFor('rain:ended', (e) => e.rainId === rain.id, 40_000);
    const { drops } = await players[0]!.waitFor('rain:drops', (e) => e.rainId === rain.id, 10_000);
    const dropId = drops[0]!.dropId;
    const results = players.map((p) =>
      p.grabDrop(rain.id, dropId).then(
        (r) => ({ won: r.amount }),
        (err: unknown) => ({ refused: (err as { code: string }).code }),
      ),
    );
    // Every ticket is in (the host's report counts them) while the window is still open …
    const token = await api.token('tk-lot-host', 'host');
    await expect
      .poll(
        async () => {
          const res = await api.http(survivors[0]!.url, 'GET', `/v1/rains/${rain.id}/report`, { token });
          return (res.body.timeline as { grabs: number }[]).reduce((s, b) => s + b.grabs, 0);
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBe(12);
    // … and the driver dies before it closes.
    await driver.kill();
    const successor = await driverOf(rain.id, survivors);
    expect(survivors).toContain(successor);

    const outcomes = await Promise.all(results);
    const wins = outcomes.filter((o): o is { won: number } => 'won' in o);
    expect(wins).toHaveLength(4);
    expect(wins.reduce((s, w) => s + w.won, 0)).toBe(800);
    expect(outcomes.filter((o) => 'refused' in o && o.refused === 'LOTTERY_LOST')).toHaveLength(8);
    const end = await ended;
    expect(end.totals).toMatchObject({ paid: 800, grabs: 4, winners: 4, refunded: 0 });
    const replay = await api.http(successor.url, 'GET', `/v1/rains/${rain.id}/replay`, { token });
    expect(replay.status).toBe(200);
    expect(verifyReplay(replay.body as unknown as ReplayBundle)).toMatchObject({
      ok: true,
      checked: { claims: 4, paid: 800 },
    });
    await api.expectBalanced(successor.url);
  }, 60_000);

  it('hands the lease back on a graceful stop, and another node finishes the rain', async () => {
    const live: NodeProcess[] = [];
    for (const n of nodes) if ((await fetch(`${n.url}/healthz`).catch(() => null))?.ok) live.push(n);
    expect(live.length).toBeGreaterThanOrEqual(2);
    await api.mint(live[0]!.url, 'tk-host2', 10_000);
    const host = await api.client(live[0]!.url, 'tk-host2', 'host');
    await host.join('drizzle');
    const { rain } = await host.scheduleRain({
      roomId: 'drizzle',
      total: 3_000,
      drops: 30,
      startInMs: 300,
      durationMs: 2_000,
      dropTtlMs: 500,
      mode: 'race',
    });
    const driver = await driverOf(rain.id, live);
    const other = live.find((n) => n !== driver)!;
    const watcher = await api.client(other.url, 'drizzle-watch');
    await watcher.join('drizzle');
    const seen: string[] = [];
    watcher.on('rain:drops', (e) => seen.push(...e.drops.map((d) => d.dropId)));
    const ended = watcher.waitFor('rain:ended', (e) => e.rainId === rain.id, 20_000);
    await watcher.waitFor('rain:drops', (e) => e.rainId === rain.id);
    await driver.stop();
    // Stopping one node must not touch the sockets of the others.
    expect(watcher.connected).toBe(true);
    expect(driver.logs.some((l) => l.includes('handed rain leases back') && l.includes(rain.id))).toBe(true);
    await driverOf(rain.id, [other]);
    expect(await ended).toMatchObject({ rainId: rain.id, reason: 'finished' });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(30);
    await api.expectBalanced(other.url);
  }, 60_000);
});
