/**
 * A running rain survives losing Redis (issue 25): one Redis, one PostgreSQL, a node with
 * DATABASE_URL. After its first drop is grabbed, Redis loses its whole dataset (FLUSHALL);
 * `npm run restore` rebuilds the rain from PostgreSQL; the node's rain runner takes the free
 * lease over and the rain goes on and ends. A winner of the first drop is refused a second
 * share, the drop's last share can still be won, every acknowledged share is paid once, the
 * host gets back exactly what nobody won, and the two audits balance and agree.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import type { DropView } from '@red-packet/sdk/protocol';
import { runRestoreCommand } from '../../server/cli/restore-command.js';
import { rainTimeline } from '../../server/domain/rain-timeline.js';
import { auditPostgres, walletBalances } from '../../server/store/ledger/index.js';
import type { RedisKeys } from '../../server/store/redis/keys.js';
import { startLedgerBackends, type LedgerBackends } from '../helpers/ledger-backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DROPS = 4;
const DURATION_MS = 10_000;

/**
 * A seed whose first drop falls early in its slice and whose second falls late, so the
 * flush and the restore happen between the two (deterministic, whatever the machine's speed).
 */
function quietGapSeed(): string {
  for (let i = 0; ; i++) {
    const seed = Buffer.from(`restore-rain-${i}`).toString('base64url');
    const [first, second] = rainTimeline(seed, DROPS, DURATION_MS);
    if (first && second && first.offsetMs < 400 && second.offsetMs > 4_600) return seed;
  }
}

describe('restore of a running rain from the PostgreSQL ledger', () => {
  let backends: LedgerBackends;
  let pool: pg.Pool;
  let direct: Redis;
  let keys: RedisKeys;
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    backends = await startLedgerBackends('rainrestore');
    ({ pool, direct, keys, env } = backends);
    const seed = quietGapSeed();
    server = await startTestServer(
      { ...env, RECONCILE_INTERVAL_MS: '3600000', LEDGER_AUTO_RESTORE: '0' },
      { newRainSeed: () => seed },
    );
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await backends.destroy();
  });

  it('goes on after the restore and ends: every share paid once, the rest refunded, audits agree', async () => {
    await server.mint('rr-host', 10_000);
    const host = await server.client('rr-host', 'host', { ackTimeoutMs: 5_000 });
    await host.join('rr');
    const players: RedPacketClient[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await server.client(`rr-p${i}`, 'user', { ackTimeoutMs: 5_000 });
      await p.join('rr');
      players.push(p);
    }
    const won = new Map<string, number>();
    const grab = async (i: number, rainId: string, dropId: string): Promise<void> => {
      const { amount } = await players[i]!.grabDrop(rainId, dropId);
      won.set(`rr-p${i}`, (won.get(`rr-p${i}`) ?? 0) + amount);
    };
    // Players 0 and 1 grab every drop they see; player 2 stays out of the first drop.
    const seen: DropView[] = [];
    let rainId = '';
    const grabbing: Promise<unknown>[] = [];
    for (const [i, p] of players.entries()) {
      p.on('rain:drops', (e) => {
        for (const d of e.drops) {
          if (i === 0) seen.push(d);
          if (i < 2 || seen.length > 1) grabbing.push(grab(i, e.rainId, d.dropId).catch(() => undefined));
        }
      });
    }
    // Registered after the grabbing listeners: once these resolve, both grabs are under way.
    const firstDrop = Promise.all([0, 1].map((i) => players[i]!.waitFor('rain:drops', () => true, 10_000)));
    const ended = host.waitFor('rain:ended', () => true, 30_000);
    // Four shares a drop, three players: every drop leaves one for the host's refund.
    const refundLanded = host.waitFor('wallet:updated', (e) => e.balance > 10_000 - 1_200, 30_000);
    const { rain } = await host.scheduleRain({
      roomId: 'rr',
      total: 1_200,
      drops: DROPS,
      sharesPerDrop: 4,
      startInMs: 200,
      durationMs: DURATION_MS,
      dropTtlMs: 5_000,
      mode: 'race',
      maxTapsPerSec: 1_000,
    });
    rainId = rain.id;
    const first = (await firstDrop)[0]!.drops[0]!;
    await Promise.all(grabbing.splice(0));
    expect([...won.keys()].sort()).toEqual(['rr-p0', 'rr-p1']);
    const before = await server.expectBalanced();

    await direct.flushall();
    const restored = await runRestoreCommand([], env);
    expect(restored.exitCode, restored.output).toBe(0);
    expect(JSON.parse(restored.output.replace(/RESTORED$/, ''))).toMatchObject({
      rains: { restored: 1, existing: 0, aborted: 0 },
    });
    expect(await direct.hget(keys.rain(rainId), 'status')).toBe('running');
    expect(await direct.hget(keys.rain(rainId), 'released')).toBe('1');

    // A winner of the first drop is refused a second share; a share left in it can still be won.
    await expect(players[0]!.grabDrop(rainId, first.dropId)).rejects.toMatchObject({
      code: 'ALREADY_GRABBED',
    });
    await grab(2, rainId, first.dropId);

    // The runner takes the free lease over, releases the rest and ends the rain.
    const end = await ended;
    await Promise.all(grabbing.splice(0));
    const paid = [...won.values()].reduce((a, b) => a + b, 0);
    expect(end.totals.paid).toBe(paid);
    expect(end.totals.refunded).toBe(1_200 - paid);
    expect((await refundLanded).balance).toBe(10_000 - paid);

    // Every acknowledged share in its winner's wallet, in Redis and in PostgreSQL, once.
    const inPostgres = await walletBalances(pool);
    for (const [userId, amount] of won) {
      expect(Number(await direct.hget(keys.wallet(userId), 'balance')), userId).toBe(amount);
      expect(inPostgres.get(userId), userId).toBe(amount);
    }
    expect(inPostgres.get('rr-host')).toBe(10_000 - paid);
    expect(Number(await direct.hget(keys.wallet('rr-host'), 'balance'))).toBe(10_000 - paid);
    const claims = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM claims WHERE source_id = $1 AND reason = 'drop'`,
      [rainId],
    );
    expect(Number(claims.rows[0]?.n)).toBe(end.totals.grabs);

    const onRedis = await server.expectBalanced();
    const onPostgres = await auditPostgres(pool);
    expect(onPostgres.balanced, JSON.stringify(onPostgres)).toBe(true);
    expect(onPostgres.minted).toBe(onRedis.minted);
    expect(onPostgres.wallets).toBe(onRedis.wallets);
    expect(onPostgres.escrow).toBe(onRedis.escrow);
    expect(onRedis.minted).toBe(before.minted);
  }, 60_000);
});
