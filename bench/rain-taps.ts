/**
 * A lottery rain's cost on one node and its Redis: `clients` SDK clients in this process, one
 * node process, one redis-server; every client taps every drop once, 200 ms after its release.
 * Reports node CPU per tap (from /proc), Redis CPU per tap and per drop (INFO cpu) and Redis
 * commands per drop (INFO commandstats). Reusable by a multi-node scenario (rainTaps takes the
 * node URLs and pids); run alone:
 *
 *   node --conditions=rp-source --import tsx bench/rain-taps.ts [--clients 1000] [--drops 18]
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { RedPacketClient } from '@red-packet/sdk';
import { gameApi } from '../test/helpers/game-api.js';
import { startNodeProcess } from '../test/helpers/node-process.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { cpuSeconds } from './machine.js';

export interface RainTapsSpec {
  /** Node URLs and their process ids; clients are spread over them. */
  nodes: { url: string; pid: number }[];
  /** A connection to the rain's Redis (one master: its INFO is the rain's whole cost). */
  redis: Redis;
  clients: number;
  drops: number;
  /** Drops a second (the scenario: 6). */
  dropsPerSec: number;
  sharesPerDrop: number;
}

export interface RainTapsFigures {
  taps: number;
  drops: number;
  nodeCpuUsPerTap: number;
  redisCpuUsPerTap: number;
  redisCpuUsPerDrop: number;
  redisCommandsPerDrop: number;
  /** The most run commands over the rain, per drop: "evalsha 25.9, hset 47.3, …". */
  topCommandsPerDrop: string;
  wallSeconds: number;
}

async function redisCpu(redis: Redis): Promise<{ seconds: number; commands: Map<string, number> }> {
  const cpu = await redis.info('cpu');
  const stats = await redis.info('commandstats');
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const commands = new Map<string, number>();
  for (const [, name = '', calls] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (name !== 'info') commands.set(name, Number(calls));
  return { seconds: field('used_cpu_sys') + field('used_cpu_user'), commands };
}

/** Runs one lottery rain over already connected clients and measures it. */
export async function rainTaps(
  spec: RainTapsSpec,
  clients: RedPacketClient[],
  host: RedPacketClient,
  roomId: string,
): Promise<RainTapsFigures> {
  const durationMs = Math.max(1_000, Math.round((spec.drops / spec.dropsPerSec) * 1_000));
  const nodeCpu = (): number => spec.nodes.reduce((s, n) => s + cpuSeconds(n.pid), 0);
  const n0 = nodeCpu();
  const r0 = await redisCpu(spec.redis);
  const t0 = performance.now();
  const { rain } = await host.scheduleRain({
    roomId,
    total: spec.drops * spec.sharesPerDrop * 10,
    drops: spec.drops,
    sharesPerDrop: spec.sharesPerDrop,
    split: 'equal',
    startInMs: 300,
    durationMs,
    dropTtlMs: 2_000,
  });
  const ended = host.waitFor('rain:ended', (e) => e.rainId === rain.id, durationMs + 60_000);
  const acks: Promise<unknown>[] = [];
  const offs = clients.map((client) =>
    client.on('rain:drops', (e) => {
      if (e.rainId !== rain.id) return;
      const delay = Math.max(0, e.serverTime + 200 - Date.now());
      for (const drop of e.drops)
        setTimeout(() => acks.push(client.grabDrop(rain.id, drop.dropId).catch(() => undefined)), delay);
    }),
  );
  await ended;
  await Promise.all(acks);
  for (const off of offs) off();
  const wallSeconds = (performance.now() - t0) / 1000;
  const nodeSeconds = nodeCpu() - n0;
  const r1 = await redisCpu(spec.redis);
  const redisSeconds = r1.seconds - r0.seconds;
  const taps = acks.length;
  const delta = [...r1.commands].map(([name, n]) => [name, n - (r0.commands.get(name) ?? 0)] as const);
  delta.sort((a, b) => b[1] - a[1]);
  const commands = delta.reduce((sum, [, n]) => sum + n, 0);
  return {
    taps,
    drops: spec.drops,
    nodeCpuUsPerTap: (nodeSeconds * 1e6) / Math.max(1, taps),
    redisCpuUsPerTap: (redisSeconds * 1e6) / Math.max(1, taps),
    redisCpuUsPerDrop: (redisSeconds * 1e6) / spec.drops,
    redisCommandsPerDrop: commands / spec.drops,
    topCommandsPerDrop: delta
      .slice(0, 8)
      .map(([name, n]) => `${name} ${(n / spec.drops).toFixed(1)}`)
      .join(', '),
    wallSeconds,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { clients: { type: 'string', default: '1000' }, drops: { type: 'string', default: '18' } },
  });
  const count = Number(values.clients);
  const redis = await startRedis({ appendfsync: 'everysec' });
  const node = await startNodeProcess({ REDIS_URL: redis.url }, 'bench-rain');
  const api = gameApi();
  const conn = new Redis(redis.url);
  try {
    await api.mint(node.url, 'rain-host', 10_000_000);
    const host = await api.client(node.url, 'rain-host', 'host');
    await host.join('rain-bench');
    const clients: RedPacketClient[] = [];
    for (let from = 0; from < count; from += 250) {
      const chunk = await Promise.all(
        Array.from({ length: Math.min(250, count - from) }, async (_, i) => {
          const c = await api.client(node.url, `rb${from + i}`);
          await c.join('rain-bench');
          return c;
        }),
      );
      clients.push(...chunk);
    }
    const spec = {
      nodes: [{ url: node.url, pid: node.pid }],
      redis: conn,
      clients: count,
      drops: Number(values.drops),
      dropsPerSec: 6,
      sharesPerDrop: 20,
    };
    const f = await rainTaps(spec, clients, host, 'rain-bench');
    const fixed = (n: number): string => n.toFixed(1);
    process.stdout.write(
      `lottery rain, ${count} clients, ${f.drops} drops at 6/s, ${f.taps} taps (${fixed(f.wallSeconds)} s)\n` +
        `  node CPU per tap      ${fixed(f.nodeCpuUsPerTap)} µs\n` +
        `  Redis CPU per tap     ${f.redisCpuUsPerTap.toFixed(2)} µs\n` +
        `  Redis CPU per drop    ${fixed(f.redisCpuUsPerDrop)} µs\n` +
        `  Redis commands/drop   ${fixed(f.redisCommandsPerDrop)} (${f.topCommandsPerDrop})\n`,
    );
  } finally {
    api.closeClients();
    conn.disconnect();
    await node.stop();
    await redis.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
