/**
 * Fan-out scenarios: a rain releasing 20 drop batches a second to one crowded room, on this
 * server over uWS and over socket.io's default ws server (TRANSPORT=node), and the same bytes
 * pushed to the same clients by a bare uWebSockets.js publish loop (bench/reference-uws.ts).
 * The RSS growth per idle joined connection is read before the rain starts, and on this
 * server again once the rain has ended and the heap settled (what a rain leaves behind).
 */
import { percentile } from './histogram.js';
import type { BenchEnv } from './grab-scenarios.js';
import { startServer } from './grab-scenarios.js';
import { measure, rssKb } from './machine.js';
import { connectPool, hostClient, requireBalanced, type Pool } from './pool.js';
import { startReference } from './reference-process.js';
import { cpuShare, round, type FanoutFigures } from './results.js';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1_000));

interface Sample {
  received: number;
  lags: number[][];
}

async function collect(pool: Pool): Promise<Sample> {
  const results = await pool.ask<{ messages: number; lags: number[] }>({ cmd: 'fanoutResult' });
  return { received: results.reduce((s, r) => s + r.messages, 0), lags: results.map((r) => r.lags) };
}

/** This server (memory store, one node) on `transport`, `clients` members, a `seconds`-long rain. */
export async function fanoutGame(
  env: BenchEnv,
  transport: 'uws' | 'ws',
  clients: number,
  seconds: number,
): Promise<FanoutFigures> {
  const server = await startServer(env, `fan-${transport}-${clients}`, 'memory', {
    TRANSPORT: transport === 'uws' ? 'uws' : 'node',
    RAIN_TICK_MS: '50',
    RAIN_MAX_DROPS: '100000',
    WS_IDLE_TIMEOUT_SEC: '120',
  });
  try {
    const host = await hostClient(server.url, 'fan', 100_000_000);
    const rssBefore = rssKb(server.pid);
    const pool = await connectPool(server.url, clients, 'fan', env.threads);
    await settle(); // let the heap settle before reading RSS
    const rssAfter = rssKb(server.pid);
    await pool.ask({ cmd: 'armFanout', event: 'rain:drops' });
    const drops = seconds * 20;
    const ended = host.waitFor('rain:ended', () => true, 60_000 + seconds * 2_000);
    let batches = 0; // what the server sent each member: the host is in the room too
    const offBatches = host.on('rain:drops', () => {
      batches += 1;
    });
    const run = await measure({ server: server.pid, redis: null }, async () => {
      await host.scheduleRain({
        roomId: 'fan',
        total: drops,
        drops,
        durationMs: seconds * 1000,
        startInMs: 200,
        dropTtlMs: 1_000,
      });
      await ended;
    });
    const sample = await collect(pool);
    offBatches();
    await settle();
    const rssAfterRain = rssKb(server.pid);
    await pool.close();
    host.close();
    env.audits.push(
      `fan-out ${transport} ${clients}: ${JSON.stringify(await requireBalanced(server.url, 'fan-out'))}`,
    );
    return figures(
      transport,
      clients,
      seconds,
      sample,
      batches * clients,
      run.cpu,
      env,
      rssAfter - rssBefore,
      rssAfterRain - rssBefore,
    );
  } finally {
    await server.stop();
  }
}

/** The bare uWS publish loop: the same frame shape, the same clients, the same rate. */
export async function fanoutReference(
  env: BenchEnv,
  clients: number,
  seconds: number,
): Promise<FanoutFigures> {
  const ref = await startReference(env, 'reference-uws.ts');
  try {
    const { pid, url } = ref;
    const rssBefore = rssKb(pid);
    const pool = await connectPool(url, clients, 'fan', env.threads);
    await settle();
    const rssAfter = rssKb(pid);
    await pool.ask({ cmd: 'armFanout', event: 'rain:drops' });
    const run = await measure({ server: pid, redis: null }, async () => {
      const done = ref.next<{ ticks: number }>();
      ref.send({ cmd: 'rain', seconds });
      return done;
    });
    await new Promise((r) => setTimeout(r, 300)); // the last tick's frames in flight
    const sample = await collect(pool);
    await pool.close();
    return figures(
      'reference-uws',
      clients,
      seconds,
      sample,
      run.result.ticks * clients,
      run.cpu,
      env,
      rssAfter - rssBefore,
    );
  } finally {
    await ref.stop();
  }
}

function figures(
  server: FanoutFigures['server'],
  clients: number,
  seconds: number,
  sample: Sample,
  expected: number,
  cpu: Parameters<typeof cpuShare>[0],
  env: BenchEnv,
  rssGrowthKb: number,
  rssAfterRainKb?: number,
): FanoutFigures {
  return {
    server,
    clients,
    seconds,
    deliveredPerSec: round(sample.received / cpu.seconds),
    received: sample.received,
    expected,
    p50Ms: round(percentile(sample.lags, 50), 2),
    p99Ms: round(percentile(sample.lags, 99), 2),
    serverUsPer1kMsgs: round((cpu.server / Math.max(1, sample.received)) * 1e9),
    cpu: cpuShare(cpu, env.plan.generatorCoreCount),
    kbPerConn: round(rssGrowthKb / clients, 2),
    ...(rssAfterRainKb === undefined ? {} : { kbPerConnAfterRain: round(rssAfterRainKb / clients, 2) }),
  };
}
