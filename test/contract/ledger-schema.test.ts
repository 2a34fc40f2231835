/**
 * The ledger's schema on a real PostgreSQL: migrations apply once even from two migrators at
 * a time, and the reads on PostgreSQL alone (the audit, balances, what a restore rebuilds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LedgerWriter,
  auditPostgres,
  claimAndCreditRows,
  claimRows,
  claimsOf,
  createLedgerPool,
  holdRows,
  migrate,
  mintRows,
  openPackets,
  openRains,
  packetRows,
  rainRows,
  readMigrations,
  releaseRows,
  remainingShares,
  walletBalances,
} from '../../server/store/ledger/index.js';
import type { Credit, PacketRecord, RainRecord } from '../../server/store/store.js';
import { countOf, startLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await startLedgerFixture();
});
afterAll(() => fx.destroy());

const AT = 1_700_000_000_000;
const grab = (
  sourceId: string,
  userId: string,
  amount: number,
  reason: Credit['reason'] = 'grab',
): Credit => ({
  claimId: `${reason}:${sourceId}:${userId}`,
  userId,
  amount,
  sourceId,
  reason,
  at: AT,
});
const packet = (id: string, total: number) =>
  ({ id, senderId: 'alice', roomId: 'r1', total, createdAt: AT, expiresAt: AT + 60_000 }) as PacketRecord;

describe('migrations', () => {
  it('two migrators starting together apply each file once', async () => {
    const { url } = await fx.freshDatabase({ migrated: false });
    const a = createLedgerPool(url);
    const b = createLedgerPool(url);
    try {
      const [ranA, ranB] = await Promise.all([migrate(a), migrate(b)]);
      const all = readMigrations().map((m) => m.version);
      expect([...ranA, ...ranB].sort()).toEqual(all);
      expect(await countOf(a, 'schema_migrations')).toBe(all.length);
      expect(await migrate(a)).toEqual([]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});

describe('reads on PostgreSQL alone', () => {
  it('the audit balances with money in wallets, escrow and flight, and rebuilds open escrow', async () => {
    const { pool } = await fx.freshDatabase();
    const w = new LedgerWriter(pool);
    await w.commit(mintRows('alice', 1000, 'm1', AT));
    // pk_1: 300 in two shares, both claimed; bob's credit landed, carol's is in flight.
    await w.commit(holdRows({ holdId: 'pk_1', userId: 'alice', amount: 300, at: AT }));
    await w.commit(packetRows(packet('pk_1', 300), [100, 200]));
    await w.commit(claimAndCreditRows(grab('pk_1', 'bob', 100)));
    await w.commit(claimRows(grab('pk_1', 'carol', 200)));
    // A hold whose packet never came: in flight; another released.
    await w.commit(holdRows({ holdId: 'pk_2', userId: 'alice', amount: 50, at: AT }));
    const released = { holdId: 'pk_3', userId: 'alice', amount: 20, at: AT };
    await w.commit([...holdRows(released), ...releaseRows(released, AT + 1)]);
    // pk_4: 100 as [60, 40], 60 claimed: 40 in escrow. pk_5: expired, refunded.
    await w.commit([
      ...holdRows({ holdId: 'pk_4', userId: 'alice', amount: 100, at: AT }),
      ...packetRows(packet('pk_4', 100), [60, 40]),
    ]);
    await w.commit(claimAndCreditRows(grab('pk_4', 'bob', 60)));
    await w.commit([
      ...holdRows({ holdId: 'pk_5', userId: 'alice', amount: 10, at: AT }),
      ...packetRows(packet('pk_5', 10), [10]),
    ]);
    await w.commit(claimAndCreditRows(grab('pk_5', 'alice', 10, 'refund')));
    // A rain of 30: drop d0 [10, 5] with one share claimed, d1 [15].
    const rain = { id: 'rn_1', hostId: 'alice', roomId: 'r1', total: 30, createdAt: AT } as RainRecord;
    await w.commit([
      ...holdRows({ holdId: 'rn_1', userId: 'alice', amount: 30, at: AT }),
      ...rainRows(rain, [
        { dropId: 'd0', shares: [10, 5] },
        { dropId: 'd1', shares: [15] },
      ]),
    ]);
    await w.commit(
      claimAndCreditRows({ ...grab('rn_1', 'bob', 10, 'drop'), claimId: 'drop:rn_1:d0:bob' }, 'd0'),
    );

    expect(await auditPostgres(pool)).toEqual({
      balanced: true,
      minted: 1000,
      wallets: 1000 - 300 - 50 - 100 - 10 + 10 - 30 + (100 + 60 + 10),
      escrow: 40 + 20,
      inFlight: 200 + 50,
      difference: 0,
      doubleClaims: 0,
      ledgerMismatches: 0,
    });
    expect(await walletBalances(pool)).toEqual(
      new Map([
        ['alice', 1000 - 300 - 50 - 100 - 10 + 10 - 30],
        ['bob', 170],
      ]),
    );
    expect((await openPackets(pool)).map((p) => [p.packetId, p.remainingShares])).toEqual([['pk_4', [40]]]);
    expect((await openRains(pool)).map((r) => r.drops)).toEqual([
      [
        { dropId: 'd0', remainingShares: [5] },
        { dropId: 'd1', remainingShares: [15] },
      ],
    ]);
    expect((await claimsOf(pool, ['pk_1'])).map((c) => [c.userId, c.amount])).toEqual([
      ['bob', 100],
      ['carol', 200],
    ]);
    expect(await countOf(pool, "holds WHERE state = 'held'")).toBe(1);
  });

  it('the audit sees a credit that pays more than its claim', async () => {
    const { pool } = await fx.freshDatabase();
    const w = new LedgerWriter(pool);
    await w.commit([
      ...mintRows('alice', 10, 'm', AT),
      ...holdRows({ holdId: 'pk_1', userId: 'alice', amount: 10, at: AT }),
    ]);
    await w.commit([...packetRows(packet('pk_1', 10), [10]), ...claimRows(grab('pk_1', 'bob', 10))]);
    await w.commit([
      { table: 'entry', userId: 'bob', kind: 'credit', ref: 'grab:pk_1:bob', amount: 11, at: AT },
    ]);
    const report = await auditPostgres(pool);
    expect(report.balanced).toBe(false);
    expect(report.ledgerMismatches).toBe(1);
    expect(report.difference).toBe(-11 + 10);
  });

  it('remaining shares are the shares less each claimed amount once, order kept', () => {
    expect(remainingShares([5, 3, 5, 2], [5, 2])).toEqual([3, 5]);
    expect(remainingShares([1], [])).toEqual([1]);
  });
});
