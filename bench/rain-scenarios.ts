/**
 * A lottery rain across several node processes on one Redis, viewers spread over the nodes,
 * every viewer tapping every drop (bench/rain-tapper.ts). It measures what docs/capacity.md
 * is built from: node CPU per tap and per viewer-second during the rain, Redis CPU and
 * commands per drop and per node per drop (background work subtracted: see
 * bench/redis-counters.ts), RSS per viewer, and the tap acks. Run at growing viewer counts it
 * shows whether a rain's Redis work grows with taps or with nodes × drops.
 */
import { Redis } from 'ioredis';
import { startNodeProcess, type NodeProcess } from '../test/helpers/node-process.js';
import type { BenchEnv } from './grab-scenarios.js';
import { percentile } from './histogram.js';
import { cpuSeconds, pin, rssKb } from './machine.js';
import { connectPool, hostClient, requireBalanced } from './pool.js';
import type { RainTally } from './rain-tapper.js';
import { delta, lessIdle, sampleRedis } from './redis-counters.js';
import { round, type RainFigures } from './results.js';

export interface RainSpec {
  viewers: number;
  nodes: number;
  drops: number;
  /** Drops are released over this long: drops ÷ seconds is the drop rate. */
  durationMs: number;
  sharesPerDrop: number;
  tapsPerDrop: number;
}

const WINDOW_MS = 400;
const FLOOR_MS = 150;
const MAX_TAPS_PER_SEC = 8;
/** How long the quiet window before the rain lasts (background Redis work is measured over it). */
const IDLE_MS = 3_000;

export async function rainScenario(env: BenchEnv, spec: RainSpec): Promise<RainFigures> {
  const prefix = `bench-rain-${spec.viewers}:`;
  const nodes: NodeProcess[] = [];
  const redis = new Redis(env.redis.url);
  try {
    for (let i = 0; i < spec.nodes; i++) {
      const node = await startNodeProcess(
        { REDIS_URL: env.redis.url, REDIS_KEY_PREFIX: prefix },
        `bench-rain-${spec.viewers}-${i}`,
        env.profile,
      );
      if (env.plan.pinned) pin(node.pid, env.plan.serverCores);
      nodes.push(node);
    }
    const urls = nodes.map((n) => n.url);
    const room = `rain-${spec.viewers}`;
    const rssBefore = nodes.reduce((s, n) => s + rssKb(n.pid), 0);
    const pool = await connectPool(urls, spec.viewers, room, env.threads);
    const rssJoined = nodes.reduce((s, n) => s + rssKb(n.pid), 0);
    const total = spec.drops * spec.sharesPerDrop * 100;
    const host = await hostClient(urls[0] as string, room, total);

    const nodeCpu = (): number => nodes.reduce((s, n) => s + cpuSeconds(n.pid), 0);
    // The quiet baseline: everyone connected, nothing happening.
    const idle0 = await sampleRedis(redis, env.redisPid);
    const idleNode0 = nodeCpu();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = delta(idle0, await sampleRedis(redis, env.redisPid));
    const idleNodeCpu = nodeCpu() - idleNode0;

    const ended = new Promise<void>((resolve) => {
      const off = host.on('rain:ended', () => {
        off();
        resolve();
      });
    });
    const { rain } = await host.scheduleRain({
      roomId: room,
      total,
      drops: spec.drops,
      sharesPerDrop: spec.sharesPerDrop,
      startInMs: 1_000,
      durationMs: spec.durationMs,
      dropTtlMs: 1_500,
      mode: 'lottery',
      windowMs: WINDOW_MS,
      reactionFloorMs: FLOOR_MS,
      maxTapsPerSec: MAX_TAPS_PER_SEC,
    });
    const rainId = rain.id;
    await pool.ask({
      cmd: 'armRain',
      rainId,
      tapsPerDrop: spec.tapsPerDrop,
      reactionFloorMs: FLOOR_MS,
      windowMs: WINDOW_MS,
      tapGapMs: Math.ceil(1000 / MAX_TAPS_PER_SEC) + 5,
    });
    env.log(
      `rain ${spec.viewers} viewers on ${spec.nodes} nodes: ${spec.drops} drops in ${spec.durationMs} ms, ${spec.tapsPerDrop} tap(s) per drop each`,
    );
    const r0 = await sampleRedis(redis, env.redisPid);
    const n0 = nodeCpu();
    await ended;
    const tallies = await pool.ask<RainTally>({ cmd: 'rainResult' });
    const work = lessIdle(delta(r0, await sampleRedis(redis, env.redisPid)), idle);
    const nodeSeconds = nodeCpu() - n0 - (idleNodeCpu * work.seconds) / (IDLE_MS / 1000);
    const rssAfter = nodes.reduce((s, n) => s + rssKb(n.pid), 0);

    const taps = tallies.reduce((s, t) => s + t.taps, 0);
    const wins = tallies.reduce((s, t) => s + t.wins, 0);
    const refused: Record<string, number> = {};
    for (const t of tallies)
      for (const [k, v] of Object.entries(t.refused)) refused[k] = (refused[k] ?? 0) + v;
    await pool.close();
    host.close();
    env.audits.push(
      `rain ${spec.viewers}: ${JSON.stringify(await requireBalanced(urls[0] as string, room))}`,
    );
    const perDrop = (x: number): number => x / spec.drops;
    return {
      viewers: spec.viewers,
      nodes: spec.nodes,
      drops: spec.drops,
      dropsPerSec: round(spec.drops / (spec.durationMs / 1000), 1),
      tapsPerDrop: spec.tapsPerDrop,
      taps,
      wins,
      refused,
      seconds: round(work.seconds, 2),
      tapAckP50Ms: round(
        percentile(
          tallies.map((t) => t.lags),
          50,
        ),
        1,
      ),
      tapAckP99Ms: round(
        percentile(
          tallies.map((t) => t.lags),
          99,
        ),
        1,
      ),
      nodeUsPerTap: round((nodeSeconds / Math.max(1, taps)) * 1e6),
      nodeUsPerViewerSec: round((nodeSeconds / (spec.viewers * work.seconds)) * 1e6, 2),
      nodeCpuPct: round((nodeSeconds / work.seconds) * 100),
      redisUsPerDrop: round(perDrop(work.cpu) * 1e6),
      redisUsPerTap: round((work.cpu / Math.max(1, taps)) * 1e6, 2),
      redisCommandsPerDrop: round(perDrop(work.commands)),
      redisCommandsPerNodePerDrop: round(perDrop(work.commands) / spec.nodes, 1),
      redisScriptsPerNodePerDrop: round(perDrop(work.scripts) / spec.nodes, 1),
      kbPerViewer: round((rssJoined - rssBefore) / spec.viewers, 2),
      kbPerViewerAfterRain: round((rssAfter - rssBefore) / spec.viewers, 2),
    };
  } finally {
    redis.disconnect();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}
