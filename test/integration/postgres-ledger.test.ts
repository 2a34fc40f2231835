/**
 * PostgreSQL as the record of money (issue 25), on real processes — one Redis, one
 * PostgreSQL, a node with DATABASE_URL: every acknowledged grab, send and mint is a committed
 * row, the audit on PostgreSQL alone balances and agrees with the Redis audit, and a frozen
 * PostgreSQL turns money requests into prompt STORE_UNAVAILABLEs (chat keeps working, /readyz
 * says not ready) until it returns, when service resumes by itself and nothing acknowledged
 * is missing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { runAuditCommand } from '../../server/cli/audit-command.js';
import { auditPostgres } from '../../server/store/ledger/index.js';
import { startPostgres, type PostgresHandle } from '../helpers/postgres-server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const totals = (r: AuditReport): Pick<AuditReport, 'minted' | 'wallets' | 'escrow' | 'inFlight'> => ({
  minted: r.minted,
  wallets: r.wallets,
  escrow: r.escrow,
  inFlight: r.inFlight,
});

describe('PostgreSQL ledger, wired', () => {
  let postgres: PostgresHandle;
  let redis: RedisHandle;
  let pool: pg.Pool;
  let server: TestServer;
  let host: RedPacketClient;
  const players: RedPacketClient[] = [];
  /** Claim ids of every grab the server acknowledged. */
  const acked: { userId: string; packetId: string; amount: number }[] = [];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE wired');
    await admin.end();
    pool = new pg.Pool({ connectionString: postgres.urlOf('wired'), max: 2 });
    server = await startTestServer({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `pgw-${randomBytes(3).toString('hex')}:`,
      DATABASE_URL: postgres.urlOf('wired'),
      RECONCILE_INTERVAL_MS: '3600000',
    });
    await server.mint('pg-host', 10_000);
    host = await server.client('pg-host', 'host', { ackTimeoutMs: 5_000 });
    await host.join('ledger');
    for (let i = 0; i < 4; i++) {
      const p = await server.client(`pg-p${i}`, 'user', { ackTimeoutMs: 5_000 });
      await p.join('ledger');
      players.push(p);
    }
  }, 60_000);

  afterAll(async () => {
    postgres.resume();
    await server.close();
    await pool.end();
    await Promise.all([redis.destroy(), postgres.destroy()]);
  });

  const readyStatus = async (): Promise<number> => (await server.http('GET', '/readyz')).status;

  async function grabAll(packetId: string): Promise<void> {
    await Promise.all(
      players.map(async (p, i) => {
        const { amount } = await p.grab(packetId);
        acked.push({ userId: `pg-p${i}`, packetId, amount });
      }),
    );
  }

  /** Every acknowledged grab is a claim and a credit entry in PostgreSQL, with its amount. */
  async function expectAckedCommitted(): Promise<void> {
    const claims = await pool.query<{ claim_id: string; amount: string }>(
      "SELECT claim_id, amount FROM claims WHERE reason = 'grab'",
    );
    const entries = await pool.query<{ ref: string; amount: string }>(
      "SELECT ref, amount FROM ledger_entries WHERE kind = 'credit'",
    );
    const claimed = new Map(claims.rows.map((r) => [r.claim_id, Number(r.amount)]));
    const credited = new Map(entries.rows.map((r) => [r.ref, Number(r.amount)]));
    for (const a of acked) {
      const id = `claim:${a.packetId}:${a.userId}`;
      expect(claimed.get(id), id).toBe(a.amount);
      expect(credited.get(id), id).toBe(a.amount);
    }
  }

  async function expectAuditsAgree(): Promise<void> {
    const onRedis = await server.expectBalanced();
    const onPostgres = await auditPostgres(pool);
    expect(onPostgres.balanced, JSON.stringify(onPostgres)).toBe(true);
    expect(totals(onPostgres)).toEqual(totals(onRedis));
    const cli = await runAuditCommand(
      ['--source', 'postgres', '--database-url', postgres.urlOf('wired')],
      {},
    );
    expect(cli.exitCode, cli.output).toBe(0);
    expect(cli.output).toContain(`"minted": ${onRedis.minted}`);
  }

  it('commits every acknowledged send, grab and mint; the audits balance and agree', async () => {
    const { packet } = await host.sendPacket({ roomId: 'ledger', kind: 'lucky', total: 1_000, count: 6 });
    const stored = await pool.query('SELECT total FROM packets WHERE packet_id = $1', [packet.id]);
    expect(stored.rows).toEqual([{ total: '1000' }]);
    await grabAll(packet.id);
    await expectAckedCommitted();
    // A retry answers ALREADY_GRABBED from the committed claim, and writes nothing new.
    const before = await pool.query('SELECT count(*) AS n FROM ledger_entries');
    await expect(players[0]?.grab(packet.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    expect((await pool.query('SELECT count(*) AS n FROM ledger_entries')).rows).toEqual(before.rows);
    const minted = await pool.query<{ amount: string }>(
      "SELECT amount FROM ledger_entries WHERE kind = 'mint' AND user_id = 'pg-host'",
    );
    expect(minted.rows.map((r) => Number(r.amount))).toEqual([10_000]);
    await expectAuditsAgree();
  }, 30_000);

  it('a frozen PostgreSQL: money answers STORE_UNAVAILABLE promptly, chat works, and it resumes by itself', async () => {
    const { packet } = await host.sendPacket({ roomId: 'ledger', kind: 'equal', amount: 100, count: 4 });
    postgres.pause();
    const started = performance.now();
    await expect(players[0]?.grab(packet.id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(performance.now() - started).toBeLessThan(2_000);
    // Once a commit has failed, money steps are refused before they touch Redis.
    const again = performance.now();
    await expect(players[1]?.grab(packet.id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(
      host.sendPacket({ roomId: 'ledger', kind: 'equal', amount: 10, count: 1 }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(performance.now() - again).toBeLessThan(500);
    expect(await readyStatus()).toBe(503);
    await expect(players[2]?.chat('ledger', 'still talking')).resolves.toBeDefined();
    expect(players[2]?.connected).toBe(true);

    postgres.resume();
    await expect.poll(readyStatus, { timeout: 10_000 }).toBe(200);
    // The backlog commits the claim made before the freeze; then grabs go through again.
    await expect
      .poll(
        async () => {
          try {
            return (await players[0]?.grab(packet.id))?.amount;
          } catch (err) {
            return (err as { code?: string }).code;
          }
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('ALREADY_GRABBED');
    acked.push({ userId: 'pg-p0', packetId: packet.id, amount: 100 }); // equal: 100 a share
    for (const i of [1, 2, 3]) {
      const { amount } = (await players[i]?.grab(packet.id)) ?? { amount: 0 };
      acked.push({ userId: `pg-p${i}`, packetId: packet.id, amount });
    }
    await expectAckedCommitted();
    await expectAuditsAgree();
  }, 40_000);
});
