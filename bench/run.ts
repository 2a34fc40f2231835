/**
 * npm run bench [-- --quick]
 *
 * Measures this server against its goals on this machine (docs/benchmarks.md): grab
 * throughput against redis-benchmark running the same Lua script, full allocation of a big
 * packet, fan-out to a crowded room on uWS and on socket.io's own ws transport, and memory per
 * idle connection. Servers run as child processes; the load comes from worker threads holding
 * SDK connections. Writes bench/results/latest.json (and a dated copy) and docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { RedPacketClient } from '../shared/sdk/index.js';
import { TokenService } from '../server/auth/tokens.js';
import { RedisKeys } from '../server/store/redis-keys.js';
import { scriptSource } from '../server/store/redis-scripts.js';
import { startNodeProcess, type NodeProcess } from '../test/helpers/node-process.js';
import { startRedis, type RedisHandle } from '../test/helpers/redis-server.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';
import { writeReport, type BenchResults } from './report.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const QUICK = values.quick;
const SIZE = QUICK
  ? {
      grabClients: 100,
      grabPackets: 20,
      allocClients: 500,
      allocShares: 250,
      allocRuns: 3,
      fanClients: 1000,
      fanSeconds: 5,
      redisOps: 50_000,
    }
  : {
      grabClients: 200,
      grabPackets: 50,
      allocClients: 2000,
      allocShares: 1000,
      allocRuns: 5,
      fanClients: 5000,
      fanSeconds: 10,
      redisOps: 200_000,
    };
const WORKERS = 4;
/** BENCH_PROFILE_DIR=dir: servers run under --cpu-prof and leave their profiles there. */
const PROFILE = process.env.BENCH_PROFILE_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
  : [];
const tokens = new TokenService(TEST_SECRET);
const log = (msg: string): void => console.log(`bench: ${msg}`);

// ── measuring helpers ───────────────────────────────────────────────────────────────────

const pct = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (values: number[]): number => pct(values, 50);
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPU seconds used by a process so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}
const ownCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `fn`, returning its result with the CPU seconds the server and the generator spent. */
async function withCpu<T>(
  server: NodeProcess,
  fn: () => Promise<T>,
): Promise<{ result: T; serverCpu: number; generatorCpu: number; seconds: number }> {
  const [s0, g0, t0] = [cpuSeconds(server.pid), ownCpu(), performance.now()];
  const result = await fn();
  return {
    result,
    serverCpu: cpuSeconds(server.pid) - s0,
    generatorCpu: ownCpu() - g0,
    seconds: (performance.now() - t0) / 1000,
  };
}

// ── load generator threads ──────────────────────────────────────────────────────────────

interface Pool {
  ask<T>(msg: object): Promise<T[]>;
  close(): Promise<void>;
}

async function connectPool(url: string, total: number, room: string): Promise<Pool> {
  const workers = Array.from({ length: WORKERS }, (_, index) => {
    const count = Math.floor(total / WORKERS) + (index < total % WORKERS ? 1 : 0);
    return new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { index, url, count, room, secret: TEST_SECRET },
    });
  });
  const ask = <T>(msg: object): Promise<T[]> =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<T>((resolve) => {
            w.once('message', (reply: T) => resolve(reply));
            w.postMessage(msg);
          }),
      ),
    );
  const connected = await ask<{ connected?: number; error?: string }>({ cmd: 'connect' });
  const failed = connected.find((c) => c.error);
  if (failed) throw new Error(failed.error);
  return {
    ask,
    close: async () => {
      await ask({ cmd: 'close' });
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

async function hostClient(url: string, room: string, fen: number): Promise<RedPacketClient> {
  const host = new RedPacketClient({
    url,
    token: await tokens.sign({ userId: 'bench-host', name: 'host', role: 'admin' }),
    ackTimeoutMs: 60_000,
  });
  await host.connect();
  await host.join(room);
  const admin = await tokens.sign({ userId: 'bench-admin', name: 'admin', role: 'admin' });
  await fetch(`${url}/v1/admin/wallets/bench-host/credit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: fen }),
  });
  return host;
}

// ── scenarios ───────────────────────────────────────────────────────────────────────────

async function grabAndAllocation(redis: RedisHandle): Promise<Pick<BenchResults, 'grab' | 'fullAllocation'>> {
  const server = await startNodeProcess(
    {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'bench:',
      PACKET_MAX_COUNT: '10000',
      PACKET_MAX_TOTAL: '1000000000',
    },
    'bench-grab',
    PROFILE,
  );
  try {
    // Grab throughput: every client grabs one share of every packet.
    const host = await hostClient(server.url, 'grab', 500_000_000);
    const pool = await connectPool(server.url, SIZE.grabClients, 'grab');
    const packetIds: string[] = [];
    for (let i = 0; i < SIZE.grabPackets; i++) {
      packetIds.push(
        (await host.sendPacket({ roomId: 'grab', kind: 'equal', amount: 1, count: SIZE.grabClients })).packet
          .id,
      );
    }
    log(`grab: ${SIZE.grabClients} clients × ${SIZE.grabPackets} packets`);
    const run = await withCpu(server, () =>
      pool.ask<{ ok: number; failed: number; latencies: number[] }>({ cmd: 'grabAll', packetIds }),
    );
    const ok = run.result.reduce((s, r) => s + r.ok, 0);
    const latencies = run.result.flatMap((r) => r.latencies);
    await pool.close();

    const limit = await redisGrabLimit(redis);
    const throughput = ok / run.seconds;

    // Full allocation: one big packet contested by every connected client, median of runs.
    const crowd = await connectPool(server.url, SIZE.allocClients, 'alloc');
    await host.join('alloc');
    const runs: number[] = [];
    for (let i = 0; i < SIZE.allocRuns; i++) {
      await crowd.ask({ cmd: 'armAlloc' });
      await host.sendPacket({
        roomId: 'alloc',
        kind: 'lucky',
        total: SIZE.allocShares * 10,
        count: SIZE.allocShares,
      });
      const results = await crowd.ask<{
        firstSeen: number;
        lastWin: number;
        wins: number;
        refusals: Record<string, number>;
      }>({
        cmd: 'allocResult',
      });
      const wins = results.reduce((s, r) => s + r.wins, 0);
      if (wins !== SIZE.allocShares) {
        throw new Error(
          `allocation paid ${wins} of ${SIZE.allocShares} shares: ${JSON.stringify(results.map((r) => r.refusals))}`,
        );
      }
      runs.push(Math.max(...results.map((r) => r.lastWin)) - Math.min(...results.map((r) => r.firstSeen)));
    }
    await crowd.close();
    host.close();
    log(`allocation runs (ms): ${runs.map((r) => round(r)).join(', ')}`);
    return {
      grab: {
        clients: SIZE.grabClients,
        grabs: ok,
        throughputPerSec: round(throughput),
        redisLimitPerSec: round(limit),
        ratio: round(throughput / limit, 3),
        p50Ms: round(pct(latencies, 50), 2),
        p99Ms: round(pct(latencies, 99), 2),
        serverCpuPct: round((run.serverCpu / run.seconds) * 100),
        generatorCpuPct: round((run.generatorCpu / run.seconds) * 100),
      },
      fullAllocation: {
        shares: SIZE.allocShares,
        clients: SIZE.allocClients,
        ms: round(median(runs)),
        runsMs: runs.map((r) => round(r)),
      },
    };
  } finally {
    await server.stop();
  }
}

/**
 * redis-benchmark running the grab script itself on the same Redis, 50 connections, no
 * pipelining, a fresh user per call (__rand_int__), a share always available: the ceiling a
 * node's grabs can approach.
 */
async function redisGrabLimit(redis: RedisHandle): Promise<number> {
  const keys = new RedisKeys('limit:');
  const id = 'pk_limit';
  const client = new Redis(redis.url);
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
    for (let i = 0; i < SIZE.redisOps * 1.2; i += chunk.length) await client.rpush(keys.shares(id), ...chunk);
    const sha = (await client.script('LOAD', scriptSource('grab'))) as string;
    const grabKeys = [keys.packet(id), keys.shares(id), keys.claims(id), keys.outbox(id), keys.unlocked(id)];
    const out = spawnSync(
      'redis-benchmark',
      [
        '-p',
        String(redis.port),
        '-n',
        String(SIZE.redisOps),
        '-c',
        '50',
        '-r',
        '1000000000',
        '--csv',
        'EVALSHA',
        sha,
        '5',
        ...grabKeys,
        id,
        'u:__rand_int__',
        'bench',
        '1',
        'c:__rand_int__',
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

async function fanoutAndMemory(transport: 'uws' | 'node'): Promise<{
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  kbPerConn: number;
  serverCpuPct: number;
  generatorCpuPct: number;
  expected: number;
  received: number;
}> {
  const server = await startNodeProcess(
    {
      TRANSPORT: transport,
      RAIN_TICK_MS: '50',
      RAIN_MAX_DROPS: '100000',
      WS_IDLE_TIMEOUT_SEC: '120',
    },
    `bench-${transport}`,
    PROFILE,
  );
  try {
    const host = await hostClient(server.url, 'fan', 100_000_000);
    const rssBefore = rssKb(server.pid);
    const pool = await connectPool(server.url, SIZE.fanClients, 'fan');
    await new Promise((r) => setTimeout(r, 1_000)); // let the heap settle before reading RSS
    const rssAfter = rssKb(server.pid);
    await pool.ask({ cmd: 'armFanout' });
    const drops = SIZE.fanSeconds * 20;
    const ended = host.waitFor('rain:ended', () => true, 120_000);
    let batches = 0; // what the server sent each member: the host is in the room too
    const offBatches = host.on('rain:drops', () => {
      batches += 1;
    });
    const run = await withCpu(server, async () => {
      await host.scheduleRain({
        roomId: 'fan',
        total: drops,
        drops,
        durationMs: SIZE.fanSeconds * 1000,
        startInMs: 200,
        dropTtlMs: 1_000,
      });
      await ended;
    });
    const results = await pool.ask<{ messages: number; lags: number[] }>({ cmd: 'fanoutResult' });
    const received = results.reduce((s, r) => s + r.messages, 0);
    const lags = results.flatMap((r) => r.lags);
    offBatches();
    await pool.close();
    host.close();
    return {
      deliveredPerSec: round(received / run.seconds),
      p50Ms: round(pct(lags, 50), 2),
      p99Ms: round(pct(lags, 99), 2),
      kbPerConn: round((rssAfter - rssBefore) / SIZE.fanClients, 2),
      serverCpuPct: round((run.serverCpu / run.seconds) * 100),
      generatorCpuPct: round((run.generatorCpu / run.seconds) * 100),
      expected: batches * SIZE.fanClients,
      received,
    };
  } finally {
    await server.stop();
  }
}

// ── main ────────────────────────────────────────────────────────────────────────────────

const started = Date.now();
const redis = await startRedis();
try {
  log(`${QUICK ? 'quick' : 'full'} run on ${cpus().length} cores`);
  const { grab, fullAllocation } = await grabAndAllocation(redis);
  log(
    `grab ${grab.throughputPerSec}/s vs redis ${grab.redisLimitPerSec}/s; allocation ${fullAllocation.ms} ms`,
  );
  const uws = await fanoutAndMemory('uws');
  log(`fan-out uWS: ${uws.deliveredPerSec} msgs/s, p99 ${uws.p99Ms} ms, ${uws.kbPerConn} KB/conn`);
  const ws = await fanoutAndMemory('node');
  log(`fan-out ws:  ${ws.deliveredPerSec} msgs/s, p99 ${ws.p99Ms} ms, ${ws.kbPerConn} KB/conn`);
  const results: BenchResults = {
    timestamp: new Date().toISOString(),
    command: `npm run bench${QUICK ? ' -- --quick' : ''}`,
    quick: QUICK,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: round(totalmem() / 2 ** 30),
      node: process.version,
      redis: redisVersion(),
    },
    durationSec: round((Date.now() - started) / 1000),
    grab,
    fullAllocation,
    fanout: {
      clients: SIZE.fanClients,
      batchesPerSec: 20,
      seconds: SIZE.fanSeconds,
      uws: {
        deliveredPerSec: uws.deliveredPerSec,
        p50Ms: uws.p50Ms,
        p99Ms: uws.p99Ms,
        received: uws.received,
        expected: uws.expected,
        serverCpuPct: uws.serverCpuPct,
        generatorCpuPct: uws.generatorCpuPct,
      },
      ws: {
        deliveredPerSec: ws.deliveredPerSec,
        p50Ms: ws.p50Ms,
        p99Ms: ws.p99Ms,
        received: ws.received,
        expected: ws.expected,
        serverCpuPct: ws.serverCpuPct,
        generatorCpuPct: ws.generatorCpuPct,
      },
      ratio: round(uws.deliveredPerSec / ws.deliveredPerSec, 3),
    },
    memory: { connections: SIZE.fanClients, uwsKbPerConn: uws.kbPerConn, wsKbPerConn: ws.kbPerConn },
  };
  writeReport(results);
  log(
    `done in ${results.durationSec} s: ${QUICK ? 'bench/results/latest-quick.json' : 'bench/results/latest.json, docs/benchmarks.md'}`,
  );
} finally {
  await redis.destroy();
}

function redisVersion(): string {
  return (
    /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown'
  );
}
