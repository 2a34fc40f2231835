/**
 * The ledger writer against a real PostgreSQL: idempotent on retries, batches concurrent
 * commits, all or nothing per batch, a conflicting id rejects its caller alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LedgerConflictError,
  LedgerRejectedError,
  LedgerWriter,
  claimAndCreditRows,
  claimRows,
  creditRows,
  holdRows,
  mintRows,
  packetRows,
  type LedgerRow,
} from '../../server/store/ledger/index.js';
import type { PacketRecord } from '../../server/store/store.js';
import { countOf, startLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await startLedgerFixture();
});
afterAll(() => fx.destroy());

const AT = 1_700_000_000_000;
const credit = (packetId: string, userId: string, amount: number) => ({
  claimId: `claim:${packetId}:${userId}`,
  userId,
  amount,
  sourceId: packetId,
  reason: 'grab' as const,
  at: AT,
});

async function setup(options: ConstructorParameters<typeof LedgerWriter>[1] = {}) {
  const { pool } = await fx.freshDatabase();
  return { pool, writer: new LedgerWriter(pool, options) };
}

describe('LedgerWriter', () => {
  it('writes a row once however often it is committed', async () => {
    const { pool, writer } = await setup();
    const rows = claimAndCreditRows(credit('pk_1', 'u1', 88));
    await writer.commit(rows);
    await writer.commit(rows); // a retry after an unknown outcome
    await Promise.all([writer.commit(rows), writer.commit(rows)]); // twice in one batch
    expect(await countOf(pool, 'claims')).toBe(1);
    expect(await countOf(pool, 'ledger_entries')).toBe(1);
    const balance = await pool.query<{ balance: string }>(
      "SELECT balance FROM wallet_balances WHERE user_id = 'u1'",
    );
    expect(balance.rows[0]?.balance).toBe('88');
  });

  it('mint ids are per wallet: the same key for two users is two mints', async () => {
    const { pool, writer } = await setup();
    await writer.commit([...mintRows('u1', 100, 'key-1', AT), ...mintRows('u2', 100, 'key-1', AT)]);
    expect(await countOf(pool, 'ledger_entries')).toBe(2);
  });

  it('batches concurrent commits into fewer transactions', async () => {
    const { pool, writer } = await setup({ maxDelayMs: 5, maxRows: 1000 });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => writer.commit(claimAndCreditRows(credit('pk_b', `u${i}`, 1)))),
    );
    const stats = writer.stats();
    expect(stats.commits).toBe(100);
    expect(stats.transactions).toBeLessThanOrEqual(10);
    expect(await countOf(pool, 'claims')).toBe(100);
  });

  it('sends a batch once it holds maxRows rows, keeping calls whole', async () => {
    const { writer } = await setup({ maxDelayMs: 1000, maxRows: 10 });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => writer.commit(claimAndCreditRows(credit('pk_n', `u${i}`, 1)))),
    );
    const stats = writer.stats();
    expect(Date.now() - started).toBeLessThan(1000); // never waited for the delay
    expect(stats.transactions).toBeGreaterThanOrEqual(6);
    expect(stats.largestBatchRows).toBeLessThanOrEqual(10);
  });

  it('a batch PostgreSQL refuses rejects every caller in it and writes nothing', async () => {
    const { pool, writer } = await setup({ maxDelayMs: 20 });
    const bad: LedgerRow = { table: 'claim', ...credit('pk_x', 'u2', 0), dropId: null }; // CHECK amount > 0
    const results = await Promise.allSettled([
      writer.commit(claimAndCreditRows(credit('pk_x', 'u1', 5))),
      writer.commit([bad]),
      writer.commit(holdRows({ holdId: 'pk_y', userId: 'u3', amount: 9, at: AT })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LedgerRejectedError);
    expect(writer.stats().transactions).toBe(0);
    expect(await countOf(pool, 'claims')).toBe(0);
    expect(await countOf(pool, 'ledger_entries')).toBe(0);
    // The connection and the writer go on.
    await writer.commit(claimAndCreditRows(credit('pk_x', 'u1', 5)));
    expect(await countOf(pool, 'claims')).toBe(1);
  });

  it('an id stored with other content rejects only its caller, none of whose rows land', async () => {
    const log: object[] = [];
    const { pool, writer } = await setup({ maxDelayMs: 20, log: { error: (obj) => log.push(obj) } });
    await writer.commit(claimRows(credit('pk_c', 'u1', 88)));
    const results = await Promise.allSettled([
      writer.commit([...creditRows(credit('pk_c', 'u9', 1)), ...claimRows(credit('pk_c', 'u1', 99))]),
      writer.commit(claimAndCreditRows(credit('pk_c', 'u2', 7))),
    ]);
    expect(results[0].status).toBe('rejected');
    if (results[0].status === 'rejected') expect(results[0].reason).toBeInstanceOf(LedgerConflictError);
    expect(results[1].status).toBe('fulfilled');
    const amounts = await pool.query<{ claim_id: string; amount: string }>(
      'SELECT claim_id, amount FROM claims ORDER BY claim_id',
    );
    expect(amounts.rows).toEqual([
      { claim_id: 'claim:pk_c:u1', amount: '88' },
      { claim_id: 'claim:pk_c:u2', amount: '7' },
    ]);
    expect(await countOf(pool, "ledger_entries WHERE user_id = 'u9'")).toBe(0);
    expect(writer.stats().conflicts).toBe(1);
    expect(log).toHaveLength(1);
  });

  it('a second claim of the same packet and user under another id is a conflict', async () => {
    const { writer } = await setup();
    await writer.commit(claimRows(credit('pk_d', 'u1', 5)));
    const twin: LedgerRow = {
      table: 'claim',
      ...credit('pk_d', 'u1', 5),
      claimId: 'claim:other',
      dropId: null,
    };
    await expect(writer.commit([twin])).rejects.toBeInstanceOf(LedgerConflictError);
  });

  it('a packet is stored with its shares, and must add up', async () => {
    const { pool, writer } = await setup();
    const packet = {
      id: 'pk_p',
      senderId: 'u1',
      roomId: 'r1',
      total: 30,
      createdAt: AT,
      expiresAt: AT + 60_000,
    };
    await writer.commit(packetRows(packet as PacketRecord, [10, 20]));
    await writer.commit(packetRows(packet as PacketRecord, [10, 20]));
    expect(await countOf(pool, 'packets')).toBe(1);
    await expect(
      writer.commit(packetRows({ ...packet, id: 'pk_q' } as PacketRecord, [10, 10])),
    ).rejects.toBeInstanceOf(LedgerRejectedError);
    await expect(writer.commit(packetRows(packet as PacketRecord, [20, 10]))).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
  });
});
