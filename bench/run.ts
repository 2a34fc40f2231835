/**
 * npm run bench [-- --quick]
 *
 * Measures this server against its goals on this machine (docs/benchmarks.md): CPU per grab
 * in a small and a crowded room, CPU per acked no-op event against the same event on bare
 * socket.io over uWS (the floor every per-event cost is printed beside), grab throughput
 * against redis-benchmark running the same Lua script, full allocation of a big packet,
 * fan-out to a crowded room on uWS, on socket.io's default ws server and from a bare
 * uWebSockets.js publish loop, a fan-out scale curve up to 10,000 sockets, and memory per idle
 * connection; and the grab with DATABASE_URL on a PostgreSQL the bench starts, beside the
 * Redis-only grab (bench/ledger-scenarios.ts). The server and its Redis run on one half of
 * the cores, the generator (worker threads of wire clients) on the other (bench/machine.ts).
 * Every scenario ends with the money audit. Writes bench/results/latest.json (and a dated
 * copy), docs/benchmarks.md and docs/benchmarks.svg; --quick writes latest-quick.json only.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.js';
import { fanoutGame, fanoutReference } from './fanout-scenarios.js';
import {
  allocationScenario,
  benchEnv,
  echoScenario,
  floorScenario,
  grabScenario,
  redisGrabLimit,
} from './grab-scenarios.js';
import { ledgerGrabScenario } from './ledger-scenarios.js';
import { planCores, raiseFileLimit } from './machine.js';
import { rainSeries } from './rain-series.js';
import { goalLines, writeReport } from './report.js';
import { round, type BenchResults } from './results.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const QUICK = values.quick;
const SIZE = QUICK
  ? {
      grab: { members: 100, packets: 20 },
      crowded: { members: 400, packets: 10, grabsPerMember: 3 },
      alloc: { clients: 500, shares: 250, runs: 3 },
      fan: { clients: 1000, seconds: 4 },
      curve: [] as number[],
      redisOps: 10_000,
    }
  : {
      grab: { members: 200, packets: 50 },
      crowded: { members: 2000, packets: 25, grabsPerMember: 5 },
      alloc: { clients: 2000, shares: 1000, runs: 5 },
      fan: { clients: 5000, seconds: 10 },
      curve: [1000, 2000, 10_000],
      redisOps: 200_000,
    };
/** The script one grab runs on a single Redis (the Redis limit is measured for it). */
const GRAB_SCRIPT = 'packet-grab-credit' as const;
/** BENCH_PROFILE_DIR=dir: servers run under --cpu-prof and leave their profiles there. */
const PROFILE = process.env.BENCH_PROFILE_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
  : [];
const log = (msg: string): void => console.log(`bench: ${msg}`);

const started = Date.now();
const fileLimit = raiseFileLimit(log);
const plan = planCores(log);
const redis = await startRedis();
try {
  const env = benchEnv(plan, redis, PROFILE, log);
  log(`${QUICK ? 'quick' : 'full'} run on ${cpus().length} cores, open-file limit ${fileLimit}`);

  const grab = await grabScenario(env, {
    name: 'grab',
    store: 'redis',
    ...SIZE.grab,
    grabsPerMember: SIZE.grab.packets,
  });
  log(`grab: ${grab.serverUsPerGrab} µs/grab node, ${grab.perSec}/s, generator ${grab.cpu.generatorPct} %`);
  const ledger = await ledgerGrabScenario(
    env,
    { ...SIZE.grab, grabsPerMember: SIZE.grab.packets },
    grab,
    QUICK ? 2 : 4,
  );
  log(
    `grab with PostgreSQL: ${ledger.grab.serverUsPerGrab} µs/grab node (${ledger.cpuRatio} × Redis-only), ${ledger.grab.perSec}/s, ack p99 ${ledger.grab.p99Ms} ms (Δ ${ledger.p99DeltaMs} ms); PostgreSQL saturated ${ledger.saturation.rowsPerSec} rows/s`,
  );
  const echo = await echoScenario(env, { members: SIZE.grab.members, perClient: SIZE.grab.packets });
  log(`echo (time:sync): ${echo.serverUsPerEvent} µs/event node, ${echo.perSec}/s`);
  // The same clients and requests against bare socket.io on uWS: every per-event cost's floor.
  const floor = await floorScenario(env, { members: SIZE.grab.members, perClient: SIZE.grab.packets });
  log(
    `${floor.reference} (time:sync): ${floor.serverUsPerEvent} µs/event, ${floor.perSec}/s; echo ÷ floor ${round(echo.serverUsPerEvent / floor.serverUsPerEvent, 2)} ×`,
  );
  const limit = await redisGrabLimit(env, GRAB_SCRIPT, SIZE.redisOps);
  log(`redis-benchmark ${GRAB_SCRIPT}: ${limit}/s`);
  const crowded = [];
  for (const store of ['redis', 'memory'] as const) {
    const c = await grabScenario(env, { name: `crowded-${store}`, store, ...SIZE.crowded });
    log(
      `crowded (${store}): ${c.serverUsPerGrab} µs/grab node, ${c.perSec}/s, generator ${c.cpu.generatorPct} %`,
    );
    crowded.push(c);
  }
  const fullAllocation = await allocationScenario(env, SIZE.alloc);
  log(`allocation runs (ms): ${fullAllocation.runsMs.join(', ')}`);

  const uws = await fanoutGame(env, 'uws', SIZE.fan.clients, SIZE.fan.seconds);
  log(
    `fan-out uWS ${uws.clients}: p99 ${uws.p99Ms} ms, ${uws.serverUsPer1kMsgs} µs/1k msgs, generator ${uws.cpu.generatorPct} %`,
  );
  const ws = await fanoutGame(env, 'ws', SIZE.fan.clients, SIZE.fan.seconds);
  log(`fan-out ws ${ws.clients}: p99 ${ws.p99Ms} ms, ${ws.serverUsPer1kMsgs} µs/1k msgs`);
  const reference = await fanoutReference(env, SIZE.fan.clients, SIZE.fan.seconds);
  log(
    `fan-out bare uWS ${reference.clients}: p99 ${reference.p99Ms} ms, ${reference.serverUsPer1kMsgs} µs/1k msgs`,
  );
  const curve = [uws];
  for (const clients of SIZE.curve) {
    const point = await fanoutGame(env, 'uws', clients, SIZE.fan.seconds);
    log(`curve ${clients}: p50 ${point.p50Ms} / p99 ${point.p99Ms} ms, server ${point.cpu.serverPct} %`);
    curve.push(point);
  }
  curve.sort((a, b) => a.clients - b.clients);
  const rain = await rainSeries(env, QUICK);

  const results: BenchResults = {
    timestamp: new Date().toISOString(),
    command: `npm run bench${QUICK ? ' -- --quick' : ''}`,
    quick: QUICK,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: round(totalmem() / 2 ** 30),
      node: process.version,
      redis:
        /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ??
        'unknown',
      pinned: plan.pinned,
      serverCores: plan.serverCores,
      generatorCores: plan.generatorCores,
      fileLimit,
      warning: plan.warning,
    },
    durationSec: round((Date.now() - started) / 1000),
    grab,
    redisLimit: { script: GRAB_SCRIPT, perSec: limit, ratio: round(grab.perSec / limit, 3) },
    echo,
    floor,
    crowded,
    ledger,
    fullAllocation,
    fanout: { uws, ws, reference },
    curve,
    rain,
    audits: env.audits,
  };
  writeReport(results);
  for (const line of goalLines(results)) log(line);
  log(
    `done in ${results.durationSec} s: ${QUICK ? 'bench/results/latest-quick.json' : 'bench/results/latest.json, docs/benchmarks.md, docs/benchmarks.svg'}`,
  );
} finally {
  await redis.destroy();
}
