/**
 * npm run flood [-- --redis] [--sends 10000] [--ghosts 2000] [--attackers 20] [--replays 50]
 *
 * Issue 23: nothing a failed request writes may grow without bound. One server in this
 * process on 127.0.0.1 (the memory store, or with `--redis` a redis-server of its own on a
 * free port), driven through the SDK like any client:
 *
 *   1. baseline  each check (time:sync, GET /v1/me, a nearby search in a city and at the pole,
 *                a chat line that is a live password packet's phrase) is timed SAMPLES times
 *   2. floods    attackers with empty wallets send what the server must refuse: 10,000 fenced
 *                packets beyond ±85.05° and 2,000 password packets saying "hi"; then 50
 *                parallel replay reads of an ended lottery rain (served from the replay cache)
 *   3. again     the same checks, timed the same way, must still answer, within
 *                max(3 × baseline, baseline + 10 ms) at p50 and p99
 *   4. audit     the conservation audit must be balanced
 *
 * Prints one line per flood and a table of the checks; exits 1 if a check failed or the audit
 * is off, 2 if the run passed TIME_LIMIT_MS. Counts and time are bounded; nothing leaves the
 * machine. More floods (connections, joins …) and checks are one entry each in FLOODS and
 * CHECKS.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { RedPacketClient } from '@red-packet/sdk';
import { startRedis, type RedisHandle } from '../test/helpers/redis-server.js';
import { startTestServer, type TestServer } from '../test/helpers/test-server.js';

const { values } = parseArgs({
  options: {
    redis: { type: 'boolean', default: false },
    sends: { type: 'string', default: '10000' },
    ghosts: { type: 'string', default: '2000' },
    attackers: { type: 'string', default: '20' },
    replays: { type: 'string', default: '50' },
  },
});
const bounded = (name: string, raw: string, max: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`flood: --${name} takes 1–${max}`);
    process.exit(2);
  }
  return n;
};
const SIZE = {
  sends: bounded('sends', values.sends, 50_000),
  ghosts: bounded('ghosts', values.ghosts, 50_000),
  attackers: bounded('attackers', values.attackers, 200),
  replays: bounded('replays', values.replays, 1_000),
};
/** The whole run, start to audit. */
const TIME_LIMIT_MS = 240_000;
/** Timed calls per check, before and after. */
const SAMPLES = 200;

const CITY = { lat: 31.2304, lng: 121.4737 };
const POLE = { lat: 89.5, lng: 20 };
const GEO_ROOM = 'flood-geo';
const CHAT_ROOM = 'flood-chat';
const PHRASE = 'hi';

interface FloodContext {
  server: TestServer;
  /** An ended lottery rain, for the replay reads. */
  rainId: string;
  /** Bearer tokens of the attackers, for HTTP floods. */
  attackerTokens: string[];
  /** The victim's bearer token, for HTTP checks. */
  victimToken: string;
  /** Signed-in clients with empty wallets, each in both rooms. */
  attackers: RedPacketClient[];
  /** A signed-in client with money, in both rooms. */
  victim: RedPacketClient;
}

interface FloodFigures {
  requests: number;
  /** Outcome → count: an error code, or `ok` (sends are all refused; replay reads all served). */
  outcomes: Record<string, number>;
  ms: number;
}

/** Something attackers do many times; it should cost the server nothing that lasts. */
interface Flood {
  name: string;
  run(ctx: FloodContext): Promise<FloodFigures>;
}

/** Something users do; timed before and after the floods. */
interface Check {
  name: string;
  call(ctx: FloodContext): Promise<unknown>;
}

/** Runs `total` calls spread over the attackers, each attacker one at a time. */
async function spread(
  ctx: FloodContext,
  total: number,
  call: (c: RedPacketClient, i: number) => Promise<unknown>,
): Promise<FloodFigures> {
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  const n = ctx.attackers.length;
  await Promise.all(
    ctx.attackers.map(async (c, a) => {
      for (let i = a; i < total; i += n) {
        const code = await call(c, i).then(
          () => 'ok',
          (err: unknown) => (err as { code?: string }).code ?? 'thrown',
        );
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }
    }),
  );
  return { requests: total, outcomes, ms: performance.now() - started };
}

const FLOODS: Flood[] = [
  {
    name: `failed fenced sends beyond ±85.05° ×${SIZE.sends}`,
    run: (ctx) =>
      spread(ctx, SIZE.sends, (c, i) =>
        c.sendPacket({
          roomId: GEO_ROOM,
          kind: 'lucky',
          total: 100,
          count: 1,
          fence: { lat: 85.1 + (i % 490) / 100, lng: (i % 360) - 180, radiusM: 500 },
        }),
      ),
  },
  {
    name: `failed password sends "${PHRASE}" ×${SIZE.ghosts}`,
    run: (ctx) =>
      spread(ctx, SIZE.ghosts, (c) =>
        c.sendPacket({
          roomId: CHAT_ROOM,
          kind: 'lucky',
          total: 100,
          count: 1,
          unlock: { type: 'phrase', phrase: PHRASE },
        }),
      ),
  },
];

FLOODS.push({
  name: `parallel replay reads of an ended rain ×${SIZE.replays}`,
  run: async (ctx) => {
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SIZE.replays }, async (_, i) => {
        const token = ctx.attackerTokens[i % ctx.attackerTokens.length] ?? '';
        const res = await ctx.server.http('GET', `/v1/rains/${ctx.rainId}/replay`, { token });
        const code = res.status === 200 ? 'ok' : `HTTP ${res.status}`;
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }),
    );
    return { requests: SIZE.replays, outcomes, ms: performance.now() - started };
  },
});

const CHECKS: Check[] = [
  { name: 'time:sync', call: (ctx) => ctx.victim.request('time:sync', {}) },
  {
    name: 'GET /v1/me (HTTP)',
    call: async (ctx) => {
      const res = await ctx.server.http('GET', '/v1/me', { token: ctx.victimToken });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    },
  },
  { name: 'nearby, city 1 km', call: (ctx) => ctx.victim.nearby({ ...CITY, radiusM: 1_000 }) },
  { name: 'nearby, pole 5 km', call: (ctx) => ctx.victim.nearby({ ...POLE, radiusM: 5_000 }) },
  { name: `chat "${PHRASE}" (a live phrase)`, call: (ctx) => ctx.victim.chat(CHAT_ROOM, PHRASE) },
  { name: 'chat, a plain line', call: (ctx) => ctx.victim.chat(CHAT_ROOM, 'good evening') },
];

interface Timing {
  p50: number;
  p99: number;
  errors: number;
}

async function time(ctx: FloodContext, check: Check): Promise<Timing> {
  const ms: number[] = [];
  let errors = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await check.call(ctx).catch(() => {
      errors += 1;
    });
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), errors };
}

const usual = (before: number, after: number): boolean => after <= Math.max(3 * before, before + 10);
const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

async function main(): Promise<boolean> {
  let redis: RedisHandle | undefined;
  if (values.redis) redis = await startRedis();
  const server = await startTestServer({
    HOST: '127.0.0.1',
    CHAT_TTL_SEC: '3600',
    ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'flood:' } : {}),
  });
  console.log(`flood: one server at ${server.url} on ${redis ? 'Redis' : 'the memory store'}`);
  try {
    await server.mint('victim', 1_000_000);
    const victim = await server.client('victim');
    const attackers = await Promise.all(
      Array.from({ length: SIZE.attackers }, (_, i) => server.client(`attacker-${i}`)),
    );
    for (const c of [victim, ...attackers]) {
      await c.join(GEO_ROOM);
      await c.join(CHAT_ROOM);
    }
    // What the checks find: one funded packet each, so they read real entries too.
    await victim.sendPacket({
      roomId: GEO_ROOM,
      kind: 'lucky',
      total: 100,
      count: 10,
      fence: { ...CITY, radiusM: 500 },
    });
    await victim.sendPacket({
      roomId: GEO_ROOM,
      kind: 'lucky',
      total: 100,
      count: 10,
      fence: { ...POLE, radiusM: 500 },
    });
    await victim.sendPacket({
      roomId: CHAT_ROOM,
      kind: 'lucky',
      total: 10_000,
      count: 100,
      unlock: { type: 'phrase', phrase: PHRASE },
    });
    // An ended lottery rain: what the replay reads read.
    const host = await server.client('flood-host', 'host');
    await server.mint('flood-host', 100_000);
    await host.join(GEO_ROOM);
    const ended = victim.waitFor('rain:ended', () => true, 30_000);
    const { rain } = await host.scheduleRain({
      roomId: GEO_ROOM,
      total: 1_000,
      drops: 5,
      durationMs: 1_000,
      startInMs: 0,
      dropTtlMs: 1_000,
    });
    await ended;
    const attackerTokens = await Promise.all(
      Array.from({ length: SIZE.attackers }, (_, i) => server.token(`attacker-${i}`)),
    );
    const ctx: FloodContext = {
      server,
      attackers,
      victim,
      rainId: rain.id,
      attackerTokens,
      victimToken: await server.token('victim'),
    };

    const before = new Map<string, Timing>();
    for (const check of CHECKS) before.set(check.name, await time(ctx, check));

    for (const flood of FLOODS) {
      const figures = await flood.run(ctx);
      const outcomes = Object.entries(figures.outcomes)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ');
      const rate = (figures.requests / figures.ms) * 1_000;
      console.log(`flood: ${flood.name}: ${fmt(figures.ms)} (${rate.toFixed(0)}/s): ${outcomes}`);
    }

    let ok = true;
    const rows: string[][] = [['check', 'p50 before', 'p50 after', 'p99 before', 'p99 after', 'errors', '']];
    for (const check of CHECKS) {
      const was = before.get(check.name) ?? { p50: 0, p99: 0, errors: 0 };
      const now = await time(ctx, check);
      const pass = was.errors + now.errors === 0 && usual(was.p50, now.p50) && usual(was.p99, now.p99);
      ok &&= pass;
      rows.push([
        check.name,
        fmt(was.p50),
        fmt(now.p50),
        fmt(was.p99),
        fmt(now.p99),
        String(now.errors),
        pass ? 'ok' : 'SLOW/FAILED',
      ]);
    }
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
    for (const r of rows) console.log(`  ${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`);

    const { store } = server.app;
    const now = Date.now();
    const phraseEntries = (await store.codes.findPhrase(CHAT_ROOM, PHRASE, now)).length;
    const polarEntries = (await store.fences.nearby(POLE, 1_000_000, now, 500)).length;
    console.log(
      `flood: index entries left: phrase "${PHRASE}" ${phraseEntries}, within 1,000 km of the pole ${polarEntries}`,
    );
    const audit = await server.audit();
    console.log(
      `flood: audit ${audit.balanced ? 'balanced' : 'NOT BALANCED'} (difference ${audit.difference}, escrow ${audit.escrow})`,
    );
    return ok && audit.balanced;
  } finally {
    await server.close();
    await redis?.destroy();
  }
}

const limit = setTimeout(() => {
  console.error(`flood: past ${TIME_LIMIT_MS / 1_000} s, stopping`);
  process.exit(2);
}, TIME_LIMIT_MS);
limit.unref();
main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
