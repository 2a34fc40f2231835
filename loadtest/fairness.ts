/**
 * npm run fairness -- [--quick] [--redis] [--seed <base64url>] [--out <file.json>]
 *
 * The `fairness` load scenario (docs/fairness.md): scripted bots and human-like clients play
 * the same rain — same seed, so the same drops at the same times with the same amounts — once
 * as a first-come `race` and once as a `lottery` with the defaults, except that no per-user cap
 * binds (maxGrabsPerUser = drops): it compares the modes alone, and the default cap
 * (docs/fairness.md) would also bound what the race's bots take. It prints the fen won per
 * client by class and the bot ÷ human ratio for each mode, then checks the money: the
 * conservation audit must balance and each rain's replay must verify from its revealed seed.
 * Exit code 1 if either fails (the ratio is reported, never asserted: CI runs --quick).
 *
 *   bots    zero reaction time: tap every drop the moment it arrives (in a lottery, the
 *           moment its window opens), as many taps a second as the rain allows
 *   humans  reaction time log-normal, median 350 ms (σ = 0.3: 5th–95th percentile about
 *           215–575 ms), notice 90% of drops, at most 3 taps a second
 *
 * The server runs in this process (embedded store, or --redis with a redis-server it starts).
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import type { RainView } from '@red-packet/sdk/protocol';
import { RedPacketClient } from '@red-packet/sdk';
import { startApp, type RunningApp } from '../server/app.js';
import { TokenService } from '../server/auth/tokens.js';
import { loadConfig } from '../server/config.js';
import { newRainSeed } from '../server/domain/rain-timeline.js';
import { verifyReplay } from '../server/domain/rain-replay.js';
import { startRedis, type RedisHandle } from '../test/helpers/redis-server.js';

const SECRET = 'fairness-secret-0123456789abcdef';

interface Size {
  bots: number;
  humans: number;
  drops: number;
  sharesPerDrop: number;
  durationMs: number;
}

const FULL: Size = { bots: 10, humans: 40, drops: 60, sharesPerDrop: 3, durationMs: 30_000 };
const QUICK: Size = { bots: 3, humans: 9, drops: 12, sharesPerDrop: 2, durationMs: 4_000 };

const HUMAN = { medianMs: 350, sigma: 0.3, notice: 0.9, tapsPerSec: 3 };

/** A small seeded PRNG (mulberry32) so a run is repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function logNormal(random: () => number, median: number, sigma: number): number {
  const u = Math.max(random(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(sigma * z);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

interface Player {
  kind: 'bot' | 'human';
  client: RedPacketClient;
  won: number;
  refusals: Map<string, number>;
  taps: number[];
}

/** Taps allowed now under `perSec` (server-clock seconds, as the store counts them). */
function underLimit(p: Player, now: number, perSec: number): boolean {
  const from = now - (now % 1_000);
  return p.taps.filter((t) => t >= from).length < perSec;
}

function play(p: Player, rain: RainView, random: () => number, pending: Promise<void>[]): () => void {
  return p.client.on('rain:drops', (e) => {
    if (e.rainId !== rain.id) return;
    for (const d of e.drops) {
      let delay: number;
      if (p.kind === 'bot') {
        const opens = rain.mode === 'lottery' ? e.serverTime + rain.reactionFloorMs + 2 : e.serverTime;
        delay = opens - p.client.serverNow();
      } else {
        if (random() >= HUMAN.notice) continue;
        delay = logNormal(random, HUMAN.medianMs, HUMAN.sigma) - (p.client.serverNow() - e.serverTime);
      }
      pending.push(
        (async () => {
          await sleep(delay);
          const limit = p.kind === 'bot' ? rain.maxTapsPerSec : HUMAN.tapsPerSec;
          // A bot waits for the next second's allowance; a person just misses the drop.
          while (!underLimit(p, p.client.serverNow(), limit)) {
            if (p.kind === 'human') return;
            await sleep(1_000 - (p.client.serverNow() % 1_000) + 1);
          }
          p.taps.push(p.client.serverNow());
          try {
            p.won += (await p.client.grabDrop(rain.id, d.dropId)).amount;
          } catch (err) {
            const code = (err as { code?: string }).code ?? 'ERROR';
            p.refusals.set(code, (p.refusals.get(code) ?? 0) + 1);
          }
        })(),
      );
    }
  });
}

interface ModeResult {
  mode: 'race' | 'lottery';
  rainId: string;
  paid: number;
  perClient: { bot: number; human: number };
  ratio: number | null;
  refusals: Record<string, number>;
  replayOk: boolean;
  problems: string[];
}

async function runMode(
  app: RunningApp,
  tokens: TokenService,
  mode: 'race' | 'lottery',
  size: Size,
  runSeed: number,
): Promise<ModeResult> {
  const url = app.url;
  const connect = async (userId: string, role: 'user' | 'host'): Promise<RedPacketClient> => {
    const client = new RedPacketClient({
      url,
      token: await tokens.sign({ userId, name: userId, role }, 3_600),
    });
    await client.connect();
    return client;
  };
  const room = `fair-${mode}`;
  const host = await connect(`host-${mode}`, 'host');
  await app.store.wallets.mint(`host-${mode}`, 10_000_000, `fair-mint-${mode}`, Date.now());
  await host.join(room);
  const players: Player[] = [];
  for (let i = 0; i < size.bots + size.humans; i++) {
    const kind = i < size.bots ? 'bot' : 'human';
    const client = await connect(`${kind}-${mode}-${i}`, 'user');
    await client.join(room);
    await client.syncTime(3);
    players.push({ kind, client, won: 0, refusals: new Map(), taps: [] });
  }
  const total = size.drops * size.sharesPerDrop * 100;
  const { rain } = await host.scheduleRain({
    roomId: room,
    total,
    drops: size.drops,
    sharesPerDrop: size.sharesPerDrop,
    startInMs: 1_000,
    durationMs: size.durationMs,
    dropTtlMs: 2_000,
    mode,
    maxGrabsPerUser: size.drops, // no cap: the modes alone (see the top of this file)
  });
  const random = prng(runSeed);
  const pending: Promise<void>[] = [];
  const offs = players.map((p) => play(p, rain, random, pending));
  const ended = host.waitFor('rain:ended', (e) => e.rainId === rain.id, size.durationMs + 30_000);
  const end = await ended;
  await Promise.all(pending);
  offs.forEach((off) => off());

  const mean = (kind: Player['kind']): number => {
    const group = players.filter((p) => p.kind === kind);
    return group.reduce((s, p) => s + p.won, 0) / Math.max(1, group.length);
  };
  const refusals: Record<string, number> = {};
  for (const p of players) for (const [code, n] of p.refusals) refusals[code] = (refusals[code] ?? 0) + n;
  const replay = verifyReplay(await app.rainAudit.replay(rain.id));
  for (const p of players) p.client.close();
  host.close();
  const perClient = { bot: mean('bot'), human: mean('human') };
  return {
    mode,
    rainId: rain.id,
    paid: end.totals.paid,
    perClient,
    ratio: perClient.human > 0 ? perClient.bot / perClient.human : null,
    refusals,
    replayOk: replay.ok,
    problems: replay.problems,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      redis: { type: 'boolean' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const size = values.quick ? QUICK : FULL;
  const seed = values.seed ?? newRainSeed();
  let redis: RedisHandle | undefined;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    WEB_DIR: 'test/helpers/no-web-build',
    RATE_LIMIT_EVENTS_PER_SEC: '100000',
    RATE_LIMIT_EVENTS_BURST: '100000',
    RATE_LIMIT_USER_PER_SEC: '100000',
    RATE_LIMIT_USER_BURST: '100000',
    // Every simulated player connects from loopback.
    WS_MAX_PER_IP: '0',
    RATE_LIMIT_HTTP_IP_PER_SEC: '0',
  };
  if (values.redis) {
    redis = await startRedis();
    env.REDIS_URL = redis.url;
  }
  // Both rains get the same seed: the same drops, at the same times, with the same amounts.
  const app = await startApp(loadConfig(env), { newRainSeed: () => seed });
  const tokens = new TokenService(SECRET);
  try {
    const results: ModeResult[] = [];
    for (const mode of ['race', 'lottery'] as const) results.push(await runMode(app, tokens, mode, size, 42));
    const audit = await app.store.audit.report();
    console.log(
      `fairness (${values.quick ? 'quick' : 'full'}): ${size.bots} bots, ${size.humans} humans, ` +
        `${size.drops} drops × ${size.sharesPerDrop} shares over ${size.durationMs / 1000} s, seed ${seed}`,
    );
    console.log('mode     fen/bot  fen/human  bot÷human  replay  refusals');
    for (const r of results) {
      console.log(
        `${r.mode.padEnd(8)} ${r.perClient.bot.toFixed(0).padStart(7)}  ${r.perClient.human.toFixed(0).padStart(9)}` +
          `  ${(r.ratio === null ? '∞' : r.ratio.toFixed(2)).padStart(9)}  ${r.replayOk ? 'ok' : 'FAIL'}    ` +
          JSON.stringify(r.refusals),
      );
      for (const p of r.problems) console.error(`  replay ${r.mode}: ${p}`);
    }
    console.log(`audit: ${audit.balanced ? 'balanced' : 'NOT BALANCED'} (difference ${audit.difference})`);
    if (values.out) writeFileSync(values.out, `${JSON.stringify({ size, seed, results, audit }, null, 2)}\n`);
    return audit.balanced && audit.doubleClaims === 0 && results.every((r) => r.replayOk) ? 0 : 1;
  } finally {
    await app.close();
    await redis?.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
