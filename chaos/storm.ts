/**
 * The reconnect storm: N clients, all on one node behind a load balancer, in a room where a
 * rain is falling. The node is killed; the clients reconnect to the survivors with the SDK's
 * own backoff and jitter and re-join. Measures how long until all are back with a fresh
 * snapshot, whether each snapshot shows the rain, and how long presence takes to be right.
 */
import type { RedPacketClient } from '@red-packet/sdk';
import { RedPacketClient as Client } from '@red-packet/sdk';
import { TokenService } from '../server/auth/tokens.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';
import { startBalancer } from './balancer.js';
import type { Cluster } from './cluster.js';
import { client } from './driver.js';
import { until } from './faults.js';

const tokens = new TokenService(TEST_SECRET);

export interface StormResult {
  clients: number;
  /** From the kill until every client has re-joined with a snapshot, ms (NaN if some never did). */
  allBackMs: number;
  p50Ms: number;
  p95Ms: number;
  rejoined: number;
  /** Re-join snapshots that show the running rain. */
  withRain: number;
  /** Clients that received rain drops after re-joining. */
  dropsAfter: number;
  /** Members the room counts once everyone is back and the dead node is reaped. */
  membersAfter: number;
  /** From the kill until the survivors had reaped the dead node's members, ms. */
  reapedMs: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
};

const hostPort = (url: string): { host: string; port: number } => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

export async function reconnectStorm(
  cluster: Cluster,
  count: number,
  log: (m: string) => void,
): Promise<StormResult> {
  const room = `storm-${Date.now()}`;
  const lb = await startBalancer([hostPort(cluster.node(0).url)]);
  const clients: RedPacketClient[] = [];
  try {
    await cluster.store.mint('storm-host', 10_000_000, `storm-mint-${room}`, Date.now());
    const host = await client(cluster.node(1).url, 'storm-host', 'host');
    clients.push(host);
    await host.join(room);
    // The SDK's defaults: 500 ms first delay, doubling to 10 s, ±50% jitter.
    for (let i = 0; i < count; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, async (_, j) => {
          const userId = `storm-${i + j}`;
          const c = new Client({
            url: lb.url,
            token: () => tokens.sign({ userId, name: userId.slice(0, 32), role: 'user' }),
          });
          await c.connect();
          // Setting up is not what is measured: a join refused under the connect load is retried.
          for (let attempt = 1; ; attempt++) {
            try {
              await c.join(room);
              break;
            } catch (err) {
              if (attempt >= 5) throw err;
            }
          }
          return c;
        }),
      );
      clients.push(...batch);
    }
    // Scheduled once everyone is in, so it is still falling when the node dies. One drop a
    // second: the storm measures reconnection, not fan-out (the bench measures that), and a
    // denser rain would spend this process's CPU decoding drops for thousands of clients.
    const started = host.waitFor('rain:started', (e) => e.roomId === room, 10_000);
    const { rain } = await host.scheduleRain({
      roomId: room,
      mode: 'race', // taps as soon as drops arrive: first come, not a lottery
      total: 60 * 10,
      drops: 60,
      durationMs: 60_000,
      dropTtlMs: 3_000,
      startInMs: 0,
      split: 'equal',
    });
    await started;
    log(`storm: ${count} clients on ${cluster.node(0).nodeId}, rain ${rain.id} falling`);
    const storm = clients.slice(1);
    const backAt = new Map<RedPacketClient, number>();
    let withRain = 0;
    const dropsAfter = new Set<RedPacketClient>();
    for (const c of storm) {
      c.onRejoin((snaps) => {
        const snap = snaps.find((s) => s.roomId === room);
        if (!snap) return; // not back in the room (the SDK gave up re-joining it): never counted
        backAt.set(c, Date.now());
        if (snap.rain?.rain.id === rain.id) withRain++;
      });
      c.on('rain:drops', () => {
        if (backAt.has(c)) dropsAfter.add(c);
      });
    }
    const watcher = await client(cluster.node(2).url, 'storm-watcher');
    clients.push(watcher);
    await watcher.join(room);
    lb.backends = [hostPort(cluster.node(1).url), hostPort(cluster.node(2).url)];
    const killedAt = Date.now();
    await cluster.killNode(0);
    const allBack = await until(() => backAt.size === count, 120_000);
    const allBackAt = Date.now();
    const deadNode = cluster.node(0).nodeId;
    await until(async () => (await cluster.store.nodes.memberships(deadNode, 1)).length === 0, 30_000);
    const reapedAt = Date.now();
    await until(() => dropsAfter.size === count, 5_000);
    const membersAfter = (await watcher.join(room)).members;
    const times = [...backAt.values()].map((t) => t - killedAt);
    await host.cancelRain(rain.id).catch(() => undefined);
    return {
      clients: count,
      allBackMs: allBack ? allBackAt - killedAt : NaN,
      p50Ms: pct(times, 50),
      p95Ms: pct(times, 95),
      rejoined: backAt.size,
      withRain,
      dropsAfter: dropsAfter.size,
      membersAfter,
      reapedMs: reapedAt - killedAt,
    };
  } finally {
    for (const c of clients) c.close();
    await lb.close();
  }
}
