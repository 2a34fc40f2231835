/**
 * The documented front carries real sockets: deploy/nginx/red-packet.conf (the config in
 * docs/operations.md) run by Debian's nginx in front of three nodes on one Redis, as
 * `npm run cluster` starts them. 200 SDK clients connect through nginx only, are spread over
 * the three nodes, race for a packet and play a rain; the audit through the front balances.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RainEndedEvent } from '@red-packet/sdk/protocol';
import type { RedPacketClient, RedPacketError } from '@red-packet/sdk';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { NGINX_CONF, renderSite } from '../../scripts/cluster/nginx.js';
import { gameApi } from '../helpers/game-api.js';

const CLIENTS = 200;

async function connectionsOn(nodeUrl: string): Promise<number> {
  const text = await (await fetch(`${nodeUrl}/metrics`)).text();
  return Number(/^rp_connections\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? NaN);
}

describe('three nodes behind nginx', () => {
  const api = gameApi();
  let cluster: Cluster;
  let host: RedPacketClient;
  let players: RedPacketClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, port: 0, env: {} });
    host = await api.client(cluster.url, 'front-host', 'host');
    // Connect in waves so the handshakes do not all land in one tick of a busy machine.
    for (let i = 0; i < CLIENTS; i += 50) {
      const wave = Array.from({ length: Math.min(50, CLIENTS - i) }, (_, j) =>
        api.client(cluster.url, `front-${String(i + j)}`),
      );
      players.push(...(await Promise.all(wave)));
    }
  }, 120_000);

  afterAll(async () => {
    api.closeClients();
    players = [];
    await cluster.stop();
  }, 60_000);

  it('the documented config is the one that runs, with only the addresses replaced', () => {
    const site = readFileSync(NGINX_CONF, 'utf8');
    const docs = readFileSync('docs/operations.md', 'utf8');
    expect(docs, 'docs/operations.md shows deploy/nginx/red-packet.conf verbatim').toContain(site.trim());
    const running = readFileSync(`${cluster.nginx.dir}/red-packet.conf`, 'utf8');
    const upstreams = cluster.nodes.map((n) => new URL(n.url).host);
    expect(running).toBe(renderSite(site, upstreams, `127.0.0.1:${String(cluster.nginx.port)}`));
    for (const u of upstreams) expect(running).toContain(`server ${u};`);
  });

  it('docker-compose.yml fronts its three services with the same config', () => {
    const site = readFileSync(NGINX_CONF, 'utf8');
    const compose = readFileSync('deploy/nginx/compose.conf', 'utf8');
    expect(compose).toBe(renderSite(site, ['node-1:3000', 'node-2:3000', 'node-3:3000'], '80'));
    expect(readFileSync('docker-compose.yml', 'utf8')).toContain('./deploy/nginx/compose.conf:');
  });

  it(`spreads ${String(CLIENTS)} sockets over the three nodes`, async () => {
    const counts = await Promise.all(cluster.nodes.map((n) => connectionsOn(n.url)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(CLIENTS + 1);
    for (const count of counts) expect(count).toBeGreaterThan(CLIENTS / 6);
  });

  it('a packet race through the front pays exactly count winners', async () => {
    await api.mint(cluster.url, 'front-host', 5_000);
    await host.join('front-race');
    await Promise.all(players.map((p) => p.join('front-race')));
    const everyoneSaw = Promise.all(players.map((p) => p.waitFor('packet:created')));
    const finished = players[CLIENTS - 1]!.waitFor('packet:finished');
    const { packet } = await host.sendPacket({
      roomId: 'front-race',
      kind: 'lucky',
      total: 5_000,
      count: 50,
    });
    await everyoneSaw;
    const results = await Promise.allSettled(players.map((p) => p.grab(packet.id)));
    const wins = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.amount] : []));
    const losses = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as RedPacketError).code] : [],
    );
    expect(wins).toHaveLength(50);
    expect(wins.reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(new Set(losses)).toEqual(new Set(['PACKET_EMPTY']));
    expect(await finished).toMatchObject({ packetId: packet.id, reason: 'empty' });
    await api.expectBalanced(cluster.url);
  }, 60_000);

  it('a rain reaches every socket on every node, and what was won was paid once', async () => {
    await api.mint(cluster.url, 'front-host', 8_000);
    const started = Promise.all(players.map((p) => p.waitFor('rain:started', undefined, 20_000)));
    const ended = host.waitFor('rain:ended', undefined, 30_000);
    const grabs: Promise<number>[] = [];
    const seen = new Set<string>();
    // A quarter of the players tap every drop they see; all of them watch.
    players.forEach((p, i) => {
      if (i % 4 !== 0) return;
      p.on('rain:drops', (e) => {
        for (const d of e.drops) {
          seen.add(d.dropId);
          grabs.push(
            p.grabDrop(e.rainId, d.dropId).then(
              (r) => r.amount,
              () => 0,
            ),
          );
        }
      });
    });
    const { rain } = await host.scheduleRain({
      roomId: 'front-race',
      mode: 'race', // taps as soon as drops arrive: first come, not a lottery
      total: 8_000,
      drops: 40,
      sharesPerDrop: 2,
      startInMs: 1_000,
      durationMs: 3_000,
      dropTtlMs: 1_500,
    });
    await started;
    const end: RainEndedEvent = await ended;
    const won = (await Promise.all(grabs)).reduce((a, b) => a + b, 0);
    expect(end).toMatchObject({ rainId: rain.id, reason: 'finished' });
    expect(seen.size).toBe(40);
    expect(end.totals.paid + end.totals.refunded).toBe(8_000);
    expect(end.totals.paid).toBeGreaterThan(0);
    expect(won).toBe(end.totals.paid);
    const details = await api.http(cluster.url, 'GET', `/v1/rains/${rain.id}`, {
      token: await api.token('front-0'),
    });
    expect(details.body).toMatchObject({ rain: { status: 'ended', paid: end.totals.paid } });
    await api.expectBalanced(cluster.url);
  }, 60_000);
});
