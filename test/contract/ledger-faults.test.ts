/**
 * The ledger when PostgreSQL stops answering (SIGSTOP of the postmaster and its backends):
 * commits reject within the bound with a StoreUnavailableError, and service resumes by
 * itself once it answers again. Its own server, since it freezes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerUnavailableError, LedgerWriter, claimAndCreditRows } from '../../server/store/ledger/index.js';
import { StoreUnavailableError } from '../../server/store/store.js';
import { countOf, startLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await startLedgerFixture();
});
afterAll(() => fx.destroy());

const rows = (userId: string) =>
  claimAndCreditRows({
    claimId: `claim:pk_f:${userId}`,
    userId,
    amount: 3,
    sourceId: 'pk_f',
    reason: 'grab',
    at: 1,
  });

async function rejectsWithin(promise: Promise<void>): Promise<number> {
  const started = performance.now();
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LedgerUnavailableError);
  expect(err).toBeInstanceOf(StoreUnavailableError);
  return performance.now() - started;
}

describe('LedgerWriter with PostgreSQL frozen', () => {
  it('rejects within about a second on open and on new connections, then resumes', async () => {
    const { pool } = await fx.freshDatabase({ timeoutMs: 1000 });
    const writer = new LedgerWriter(pool, { timeoutMs: 1000 });
    await writer.commit(rows('u0')); // a warm connection in the pool
    fx.server.pause();
    try {
      const onOpen = await rejectsWithin(writer.commit(rows('u1')));
      const onNew = await rejectsWithin(
        Promise.all([writer.commit(rows('u2')), writer.commit(rows('u3'))]).then(() => undefined),
      );
      expect(onOpen).toBeLessThan(1500);
      expect(onNew).toBeLessThan(1500);
    } finally {
      fx.server.resume();
    }
    await writer.commit(rows('u4'));
    // What was rejected may or may not have landed (outcome unknown); a retry settles it.
    await writer.commit([...rows('u1'), ...rows('u2'), ...rows('u3')]);
    expect(await countOf(pool, 'claims')).toBe(5);
  });
});
