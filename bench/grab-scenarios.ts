/**
 * Grab scenarios: a 200-member room grabbing one packet after another, a crowded room (many
 * members, many packets open at once), full allocation of one big packet by a crowd, and the
 * Redis limit for the same script (redis-benchmark). Each ends with the money audit. Beside
 * them, the cost of an acked no-op event on this server and on bare socket.io (the floor).
 */
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { RedisKeys } from '../server/store/redis/keys.js';
import { scriptSource, SCRIPTS, type ScriptName } from '../server/store/redis/scripts.js';
import { startNodeProcess, type NodeProcess } from '../test/helpers/node-process.js';
import type { RedisHandle } from '../test/helpers/redis-server.js';
import { percentile } from './histogram.js';
import { measure, pin, redisPidOf, type CorePlan } from './machine.js';
import { connectPool, hostClient, requireBalanced, tokens } from './pool.js';
import { startReference } from './reference-process.js';
import {
  cpuShare,
  FLOOR_NAME,
  round,
  type BenchResults,
  type EchoFigures,
  type FloorFigures,
  type GrabFigures,
} from './results.js';

/** Packets (or echo rounds) every client goes through before a grab scenario is measured. */
const WARM_UP_PACKETS = 3;

export interface BenchEnv {
  plan: CorePlan;
  redis: RedisHandle;
  redisPid: number;
  threads: number;
  profile: string[];
  audits: string[];
  log: (msg: string) => void;
}

/**
 * The environment every scenario runs in: the core plan, the bench's Redis (pinned to the
 * server cores beside the node under test), the generator's thread count.
 */
export function benchEnv(
  plan: CorePlan,
  redis: RedisHandle,
  profile: string[],
  log: (msg: string) => void,
): BenchEnv {
  const redisPid = redisPidOf(redis.port);
  if (plan.pinned && redisPid) pin(redisPid, plan.serverCores);
  return { plan, redis, redisPid, threads: plan.generatorCoreCount, profile, audits: [], log };
}

/** A server node on the server cores; `store: 'redis'` uses the bench's Redis. */
export async function startServer(
  env: BenchEnv,
  name: string,
  store: 'redis' | 'memory',
  extra: Record<string, string> = {},
): Promise<NodeProcess> {
  const server = await startNodeProcess(
    {
      ...(store === 'redis' ? { REDIS_URL: env.redis.url, REDIS_KEY_PREFIX: `bench-${name}:` } : {}),
      PACKET_MAX_COUNT: '10000',
      PACKET_MAX_TOTAL: '1000000000',
      ...extra,
    },
    `bench-${name}`,
    env.profile,
  );
  if (env.plan.pinned) pin(server.pid, env.plan.serverCores);
  return server;
}

export interface GrabSpec {
  name: string;
  store: 'redis' | 'memory';
  members: number;
  packets: number;
  /** How many of the open packets each member grabs (in its own random order). */
  grabsPerMember: number;
}

/** `members` clients in one room, `packets` packets open at once, each never running out. */
export async function grabScenario(env: BenchEnv, spec: GrabSpec): Promise<GrabFigures> {
  const server = await startServer(env, spec.name, spec.store);
  try {
    const room = spec.name;
    const host = await hostClient(server.url, room, 1_000_000_000);
    const pool = await connectPool(server.url, spec.members, room, env.threads);
    const send = async (n: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const { packet } = await host.sendPacket({
          roomId: room,
          kind: 'equal',
          amount: 1,
          count: spec.members,
        });
        ids.push(packet.id);
      }
      return ids;
    };
    // Warm-up, not measured: the first grabs pay for JIT compilation and cold caches.
    const warm = await send(WARM_UP_PACKETS);
    await pool.ask({ cmd: 'grabAll', packetIds: warm, perClient: warm.length });
    const packetIds = await send(spec.packets);
    env.log(
      `${spec.name}: ${spec.members} members, ${spec.packets} packets open, ${spec.grabsPerMember} grabs each (${spec.store})`,
    );
    const run = await measure(
      { server: server.pid, redis: spec.store === 'redis' ? env.redisPid : null },
      () =>
        pool.ask<{ ok: number; failed: Record<string, number>; lags: number[] }>({
          cmd: 'grabAll',
          packetIds,
          perClient: spec.grabsPerMember,
        }),
    );
    const ok = run.result.reduce((s, r) => s + r.ok, 0);
    const refused: Record<string, number> = {};
    for (const r of run.result)
      for (const [k, v] of Object.entries(r.failed)) refused[k] = (refused[k] ?? 0) + v;
    await pool.close();
    host.close();
    env.audits.push(`${spec.name}: ${JSON.stringify(await requireBalanced(server.url, spec.name))}`);
    const lags = run.result.map((r) => r.lags);
    return {
      store: spec.store,
      members: spec.members,
      packetsOpen: spec.packets,
      grabs: ok,
      refused,
      perSec: round(ok / run.cpu.seconds),
      p50Ms: round(percentile(lags, 50), 2),
      p99Ms: round(percentile(lags, 99), 2),
      serverUsPerGrab: round((run.cpu.server / ok) * 1e6),
      redisUsPerGrab: round((run.cpu.redis / ok) * 1e6),
      cpu: cpuShare(run.cpu, env.plan.generatorCoreCount),
    };
  } finally {
    await server.stop();
  }
}

/**
 * This server's cost per acked event that does nothing: `members` clients each send
 * `perClient` `time:sync` requests (no store call, the smallest ack) one after another.
 * Server CPU per event is what socket.io, the wire format and this server's event edge (rate
 * limit, schema, metrics) cost before a handler does anything; `floorScenario` measures the
 * same requests against bare socket.io, and the difference is the edge.
 */
export async function echoScenario(
  env: BenchEnv,
  spec: { members: number; perClient: number },
): Promise<EchoFigures> {
  const server = await startServer(env, 'echo', 'memory');
  try {
    return await echoRun(env, server, spec);
  } finally {
    await server.stop();
  }
}

/**
 * The floor: the same clients and requests as `echoScenario`, against a bare socket.io
 * server on uWS with the game's options and nothing else (bench/reference-socketio.ts).
 */
export async function floorScenario(
  env: BenchEnv,
  spec: { members: number; perClient: number },
): Promise<FloorFigures> {
  const ref = await startReference(env, 'reference-socketio.ts', env.profile);
  try {
    return { reference: FLOOR_NAME, ...(await echoRun(env, ref, spec)) };
  } finally {
    await ref.stop();
  }
}

async function echoRun(
  env: BenchEnv,
  server: { url: string; pid: number },
  spec: { members: number; perClient: number },
): Promise<EchoFigures> {
  const pool = await connectPool(server.url, spec.members, 'echo', env.threads);
  // Warm-up, not measured (JIT compilation).
  await pool.ask({ cmd: 'echoAll', perClient: WARM_UP_PACKETS });
  const run = await measure({ server: server.pid, redis: null }, () =>
    pool.ask<{ ok: number; lags: number[] }>({ cmd: 'echoAll', perClient: spec.perClient }),
  );
  await pool.close();
  const events = run.result.reduce((sum, r) => sum + r.ok, 0);
  return {
    members: spec.members,
    events,
    perSec: round(events / run.cpu.seconds),
    p50Ms: round(
      percentile(
        run.result.map((r) => r.lags),
        50,
      ),
      2,
    ),
    serverUsPerEvent: round((run.cpu.server / events) * 1e6),
    cpu: cpuShare(run.cpu, env.plan.generatorCoreCount),
  };
}

/** One big lucky packet contested by every member, `runs` times; the median time to pay it all. */
export async function allocationScenario(
  env: BenchEnv,
  spec: { clients: number; shares: number; runs: number },
): Promise<BenchResults['fullAllocation']> {
  const server = await startServer(env, 'alloc', 'redis');
  try {
    const host = await hostClient(server.url, 'alloc', 1_000_000_000);
    const crowd = await connectPool(server.url, spec.clients, 'alloc', env.threads);
    const runs: number[] = [];
    let retries = 0;
    const run = await measure({ server: server.pid, redis: env.redisPid }, async () => {
      for (let i = 0; i < spec.runs; i++) {
        await crowd.ask({ cmd: 'armAlloc' });
        const { packet } = await host.sendPacket({
          roomId: 'alloc',
          kind: 'lucky',
          total: spec.shares * 10,
          count: spec.shares,
        });
        const results = await crowd.ask<{
          firstSeen: number;
          lastWin: number;
          wins: number;
          refusals: object;
        }>({
          cmd: 'allocResult',
        });
        retries += results.reduce((s, r) => s + ((r.refusals as Record<string, number>).retried ?? 0), 0);
        // Paid shares, from the packet's claims: a late win answered PACKET_EMPTY counts too.
        const paid = await claimCount(server.url, packet.id);
        if (paid !== spec.shares) {
          throw new Error(
            `allocation paid ${paid} of ${spec.shares}: ${JSON.stringify(results.map((r) => r.refusals))}`,
          );
        }
        runs.push(Math.max(...results.map((r) => r.lastWin)) - Math.min(...results.map((r) => r.firstSeen)));
      }
    });
    await crowd.close();
    host.close();
    env.audits.push(`allocation: ${JSON.stringify(await requireBalanced(server.url, 'allocation'))}`);
    const sorted = [...runs].sort((a, b) => a - b);
    return {
      shares: spec.shares,
      clients: spec.clients,
      ms: round(sorted[Math.floor(sorted.length / 2)] ?? NaN),
      runsMs: runs.map((r) => round(r)),
      retries,
      cpu: cpuShare(run.cpu, env.plan.generatorCoreCount),
    };
  } finally {
    await server.stop();
  }
}

async function claimCount(url: string, packetId: string): Promise<number> {
  const token = await tokens.sign({ userId: 'bench-admin', name: 'admin', role: 'admin' });
  const res = await fetch(`${url}/v1/packets/${packetId}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { claims?: unknown[] };
  return body.claims?.length ?? 0;
}

/**
 * redis-benchmark running `script` (the one a grab runs on a single Redis) on the bench's
 * Redis, 50 connections, no pipelining, a fresh user per call, a share always available:
 * the ceiling a node's grabs can approach. redis-benchmark runs on the generator's cores.
 */
export async function redisGrabLimit(env: BenchEnv, script: ScriptName, ops: number): Promise<number> {
  const keys = new RedisKeys('limit:');
  const id = 'pk_limit';
  const client = new Redis(env.redis.url);
  try {
    await client.hset(keys.packet(id), {
      record: '{}',
      status: 'open',
      expiresAt: 9e15,
      remainingAmount: 1e12,
      remainingCount: 1e9,
      seq: 0,
      locked: 0,
    });
    const chunk = Array.from({ length: 10_000 }, () => 1);
    for (let i = 0; i < ops * 1.2; i += chunk.length) await client.rpush(keys.shares(id), ...chunk);
    const sha = (await client.script('LOAD', scriptSource(script))) as string;
    const packetKeys = [
      keys.packet(id),
      keys.shares(id),
      keys.claims(id),
      keys.outbox(id),
      keys.unlocked(id),
    ];
    const user = 'u__rand_int__';
    const walletKeys = [keys.wallet(user), keys.ledger(user), keys.credits(user)];
    const scriptKeys = (SCRIPTS[script] as number) === 8 ? [...packetKeys, ...walletKeys] : packetKeys;
    const out = spawnSync(
      'redis-benchmark',
      [
        ...['-p', String(env.redis.port), '-n', String(ops), '-c', '50', '-r', '1000000000', '--csv'],
        ...[
          'EVALSHA',
          sha,
          String(scriptKeys.length),
          ...scriptKeys,
          id,
          user,
          'bench',
          '1',
          'c:__rand_int__',
        ],
      ],
      { encoding: 'utf8' },
    );
    const line = out.stdout.split('\n').find((l) => l.startsWith('"EVALSHA'));
    const perSec = Number(line?.split('","')[1]);
    if (!Number.isFinite(perSec)) throw new Error(`redis-benchmark: ${out.stdout}${out.stderr}`);
    return perSec;
  } finally {
    client.disconnect();
  }
}
