/**
 * The reconnect storm: N clients (in worker threads, chaos/storm-worker.ts), all on one node
 * behind a load balancer, in a room where a rain is falling. The node is killed; the clients reconnect to the survivors with the SDK's
 * own backoff and jitter and re-join. Measures how long until all are back with a fresh
 * snapshot, whether each snapshot shows the rain, and how long presence takes to be right.
 */
import { Worker } from 'node:worker_threads';
import type { RedPacketClient } from '@red-packet/sdk';
import { TEST_SECRET } from '../test/helpers/test-server.js';
import { startBalancer } from './balancer.js';
import type { Cluster } from './cluster.js';
import { client } from './driver.js';
import { until } from './faults.js';
import type { StormCommand, StormStatus } from './storm-worker.js';

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
  /** From the kill until the room counted exactly its members again, ms (NaN: not within 15 s). */
  presenceMs: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
};

const hostPort = (url: string): { host: string; port: number } => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

/** Threads holding the storm's clients (the harness must not be what is measured). */
const THREADS = 2;

interface StormPool {
  ask<T>(msg: StormCommand): Promise<T[]>;
  close(): Promise<void>;
}

function stormPool(): StormPool {
  const workers = Array.from(
    { length: THREADS },
    () =>
      new Worker(new URL('./storm-worker-entry.mjs', import.meta.url), {
        workerData: { secret: TEST_SECRET },
      }),
  );
  const ask = <T>(msg: StormCommand): Promise<T[]> =>
    Promise.all(
      workers.map(
        (w, i) =>
          new Promise<T>((resolve, reject) => {
            w.once('message', (reply: T & { error?: string }) => {
              if (reply.error) reject(new Error(`storm thread: ${reply.error}`));
              else resolve(reply);
            });
            if (msg.cmd === 'connect') {
              const share = Math.ceil(msg.count / THREADS);
              const from = msg.from + i * share;
              w.postMessage({
                ...msg,
                from,
                count: Math.max(0, Math.min(share, msg.from + msg.count - from)),
              });
            } else {
              w.postMessage(msg);
            }
          }),
      ),
    );
  return {
    ask,
    close: async () => {
      await ask({ cmd: 'close' }).catch(() => undefined);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export async function reconnectStorm(
  cluster: Cluster,
  count: number,
  log: (m: string) => void,
): Promise<StormResult> {
  const room = `storm-${Date.now()}`;
  const lb = await startBalancer([hostPort(cluster.node(0).url)]);
  const pool = stormPool();
  const own: RedPacketClient[] = [];
  try {
    await cluster.store.wallets.mint('storm-host', 10_000_000, `storm-mint-${room}`, Date.now());
    const host = await client(cluster.node(1).url, 'storm-host', 'host');
    own.push(host);
    await host.join(room);
    await pool.ask({ cmd: 'connect', url: lb.url, room, from: 0, count });
    // Scheduled once everyone is in, so it is still falling when the node dies. One drop a
    // second: the storm measures reconnection, not fan-out (the bench measures that).
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
    log(`storm: ${count} clients on ${cluster.node(0).nodeId} (${THREADS} threads), rain ${rain.id} falling`);
    await pool.ask({ cmd: 'arm', room, rainId: rain.id });
    const watcher = await client(cluster.node(2).url, 'storm-watcher');
    own.push(watcher);
    await watcher.join(room);
    lb.backends = [hostPort(cluster.node(1).url), hostPort(cluster.node(2).url)];
    const killedAt = Date.now();
    await cluster.killNode(0);
    let status: StormStatus[] = [];
    const back = (): number => status.reduce((sum, s) => sum + s.backAt.length, 0);
    const allBack = await until(async () => {
      status = await pool.ask<StormStatus>({ cmd: 'status' });
      return back() === count;
    }, 120_000);
    const allBackAt = Math.max(killedAt, ...status.flatMap((s) => s.backAt));
    const deadNode = cluster.node(0).nodeId;
    await until(async () => (await cluster.store.nodes.memberships(deadNode, 1)).length === 0, 30_000);
    const reapedAt = Date.now();
    await until(async () => {
      status = await pool.ask<StormStatus>({ cmd: 'status' });
      return status.reduce((sum, s) => sum + s.dropsAfter, 0) === count;
    }, 5_000);
    // Presence is right when the room counts every storm client, the host and the watcher.
    let membersAfter = 0;
    await until(async () => {
      membersAfter = (await watcher.join(room)).members;
      return membersAfter === count + 2;
    }, 15_000);
    const presenceRightAt = Date.now();
    const times = status.flatMap((s) => s.backAt).map((t) => t - killedAt);
    await host.cancelRain(rain.id).catch(() => undefined);
    return {
      clients: count,
      allBackMs: allBack ? allBackAt - killedAt : NaN,
      p50Ms: pct(times, 50),
      p95Ms: pct(times, 95),
      rejoined: back(),
      withRain: status.reduce((sum, s) => sum + s.withRain, 0),
      dropsAfter: status.reduce((sum, s) => sum + s.dropsAfter, 0),
      membersAfter,
      reapedMs: reapedAt - killedAt,
      presenceMs: membersAfter === count + 2 ? presenceRightAt - killedAt : NaN,
    };
  } finally {
    for (const c of own) c.close();
    await pool.close();
    await lb.close();
  }
}
