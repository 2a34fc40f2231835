/**
 * `npm run restore` (issue 25), on real processes — one Redis, one PostgreSQL, a node with
 * DATABASE_URL: after grabs, Redis loses its whole dataset (FLUSHALL); the restore rebuilds it
 * from PostgreSQL, and every acknowledged grab is in its owner's wallet, a user who grabbed
 * gets ALREADY_GRABBED, the remaining shares can still be grabbed, and the two audits balance
 * and agree.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { runRestoreCommand } from '../../server/cli/restore-command.js';
import { auditPostgres, walletBalances } from '../../server/store/ledger/index.js';
import type { RedisKeys } from '../../server/store/redis/keys.js';
import { startLedgerBackends, type LedgerBackends } from '../helpers/ledger-backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const totals = (r: AuditReport): Pick<AuditReport, 'minted' | 'wallets' | 'escrow' | 'inFlight'> => ({
  minted: r.minted,
  wallets: r.wallets,
  escrow: r.escrow,
  inFlight: r.inFlight,
});

describe('npm run restore: Redis rebuilt from the PostgreSQL ledger', () => {
  let backends: LedgerBackends;
  let pool: pg.Pool;
  let direct: Redis;
  let keys: RedisKeys;
  let server: TestServer;
  let host: RedPacketClient;
  const players: RedPacketClient[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    backends = await startLedgerBackends('restore');
    ({ pool, direct, keys, env } = backends);
    server = await startTestServer({ ...env, RECONCILE_INTERVAL_MS: '3600000' });
    await server.mint('rs-host', 10_000);
    host = await server.client('rs-host', 'host', { ackTimeoutMs: 5_000 });
    await host.join('restore');
    for (let i = 0; i < 4; i++) {
      const p = await server.client(`rs-p${i}`, 'user', { ackTimeoutMs: 5_000 });
      await p.join('restore');
      players.push(p);
    }
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await backends.destroy();
  });

  const balanceInRedis = async (userId: string): Promise<number> =>
    Number((await direct.hget(keys.wallet(userId), 'balance')) ?? 0);

  it('rebuilds wallets and open packets: paid grabs stay paid, retries answer ALREADY_GRABBED, the rest can be grabbed', async () => {
    const earned = new Map<string, number>();
    const grab = async (i: number, packetId: string): Promise<void> => {
      const { amount } = await players[i]!.grab(packetId);
      earned.set(`rs-p${i}`, (earned.get(`rs-p${i}`) ?? 0) + amount);
    };
    // One packet grabbed out, one half grabbed (still open), one not grabbed at all.
    const full = (await host.sendPacket({ roomId: 'restore', kind: 'lucky', total: 1_000, count: 4 })).packet;
    const half = (await host.sendPacket({ roomId: 'restore', kind: 'lucky', total: 600, count: 4 })).packet;
    const fresh = (await host.sendPacket({ roomId: 'restore', kind: 'equal', amount: 50, count: 2 })).packet;
    await Promise.all([0, 1, 2, 3].map((i) => grab(i, full.id)));
    await Promise.all([0, 1].map((i) => grab(i, half.id)));
    const before = await server.expectBalanced();

    await direct.flushall();
    expect(await balanceInRedis('rs-p0')).toBe(0);

    const restored = await runRestoreCommand([], env);
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.output).toContain(`"restored": 3`); // the three packets

    // Every acknowledged grab's money is in its owner's wallet in Redis (and agrees with PostgreSQL).
    const inPostgres = await walletBalances(pool);
    for (const [userId, amount] of earned) {
      expect(await balanceInRedis(userId), userId).toBe(amount);
      expect(inPostgres.get(userId), userId).toBe(amount);
    }
    expect(await balanceInRedis('rs-host')).toBe(10_000 - 1_000 - 600 - 100);

    // Who grabbed is remembered; what is left can still be grabbed, once.
    await expect(players[0]!.grab(half.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    // A finished packet: this node already knows it is empty; either way nothing is paid twice.
    await expect(players[3]!.grab(full.id)).rejects.toMatchObject({
      code: expect.stringMatching(/^(ALREADY_GRABBED|PACKET_EMPTY)$/) as unknown,
    });
    await Promise.all([2, 3].map((i) => grab(i, half.id)));
    await grab(0, fresh.id);
    for (const [userId, amount] of earned) expect(await balanceInRedis(userId), userId).toBe(amount);

    // A second run refuses a Redis that holds wallets; --force keeps what is there.
    const again = await runRestoreCommand([], env);
    expect(again.exitCode, again.output).toBe(1);
    const forced = await runRestoreCommand(['--force'], env);
    expect(forced.exitCode, forced.output).toBe(0);
    expect(forced.output).toContain('"restored": 0');

    const onRedis = await server.expectBalanced();
    const onPostgres = await auditPostgres(pool);
    expect(onPostgres.balanced, JSON.stringify(onPostgres)).toBe(true);
    expect(totals(onPostgres)).toEqual(totals(onRedis));
    expect(onRedis.minted).toBe(before.minted);
  }, 60_000);
});
