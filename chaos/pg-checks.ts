/**
 * The money checks after a PostgreSQL fault: every grab a client saw acknowledged is a claim
 * and a credit in PostgreSQL and a credit in its owner's Redis ledger, no claim is paid
 * twice, every wallet's Redis balance equals its PostgreSQL balance, and the two audits
 * balance with the same totals.
 */
import type pg from 'pg';
import { auditPostgres, walletBalances } from '../server/store/ledger/index.js';
import type { RedisStore } from '../server/store/redis-store.js';
import type { AckedGrab } from './driver.js';

export interface MoneyCheck {
  /** Acknowledged grabs with no credit in their owner's Redis ledger. */
  lostRedis: number;
  /** Acknowledged grabs with no claim or no credit entry (of the acknowledged amount) in PostgreSQL. */
  lostPostgres: number;
  /** Claim ids credited twice in a Redis ledger, plus the audits' double claims. */
  doublePaid: number;
  /** Wallets whose Redis balance is not their PostgreSQL balance. */
  walletsDiffer: number;
  balancedRedis: boolean;
  balancedPostgres: boolean;
  /** Minted, wallets, escrow and in flight are equal in both audits. */
  auditsAgree: boolean;
}

export async function checkMoney(store: RedisStore, pool: pg.Pool, acked: AckedGrab[]): Promise<MoneyCheck> {
  const ids = acked.map((a) => a.claimId);
  const claims = await pool.query<{ claim_id: string; amount: string }>(
    'SELECT claim_id, amount FROM claims WHERE claim_id = ANY($1)',
    [ids],
  );
  const credits = await pool.query<{ ref: string; amount: string }>(
    "SELECT ref, amount FROM ledger_entries WHERE kind = 'credit' AND ref = ANY($1)",
    [ids],
  );
  const claimed = new Map(claims.rows.map((r) => [r.claim_id, Number(r.amount)]));
  const credited = new Map(credits.rows.map((r) => [r.ref, Number(r.amount)]));
  const lostPostgres = acked.filter(
    (a) => claimed.get(a.claimId) !== a.amount || credited.get(a.claimId) !== a.amount,
  ).length;

  let lostRedis = 0;
  let doublePaid = 0;
  const byUser = new Map<string, string[]>();
  for (const a of acked) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a.claimId]);
  for (const [userId, userClaims] of byUser) {
    const refs = (await store.wallets.ledger(userId, 100_000))
      .filter((e) => e.kind === 'credit')
      .map((e) => e.ref);
    const seen = new Set(refs);
    doublePaid += refs.length - seen.size;
    lostRedis += userClaims.filter((c) => !seen.has(c)).length;
  }

  let walletsDiffer = 0;
  for (const [userId, balance] of await walletBalances(pool))
    if ((await store.wallets.getBalance(userId)) !== balance) walletsDiffer += 1;

  const onRedis = await store.audit.report();
  const onPostgres = await auditPostgres(pool);
  const sameTotals = (['minted', 'wallets', 'escrow', 'inFlight'] as const).every(
    (k) => onRedis[k] === onPostgres[k],
  );
  return {
    lostRedis,
    lostPostgres,
    doublePaid: doublePaid + onRedis.doubleClaims + onPostgres.doubleClaims,
    walletsDiffer,
    balancedRedis: onRedis.balanced && onRedis.difference === 0 && onRedis.ledgerMismatches === 0,
    balancedPostgres: onPostgres.balanced && onPostgres.difference === 0,
    auditsAgree: sameTotals,
  };
}

/** Whether nothing is in flight in either store (so the checks see every step finished). */
export async function settled(store: RedisStore, pool: pg.Pool): Promise<boolean> {
  const [onRedis, onPostgres] = await Promise.all([store.audit.report(), auditPostgres(pool)]);
  return onRedis.inFlight === 0 && onPostgres.inFlight === 0;
}
