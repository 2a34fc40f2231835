/**
 * Reads of the ledger on PostgreSQL alone: the conservation audit, and what a restore needs
 * to rebuild Redis (wallet balances, open packets' and rains' remaining shares, claims).
 * Each runs in one REPEATABLE READ, read-only transaction: one snapshot, so the audit is
 * exact even while the writer commits (a batch is in it whole or not at all).
 */
import type pg from 'pg';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { auditReport } from '../audit/audit-tally.js';
import { col, fen, fenArray, jsonObject, millis, nullableText, text } from './ledger-decode.js';
import { MalformedRowError, toLedgerError } from './ledger-errors.js';
import type { ClaimRow } from './ledger-rows.js';

type Row = Record<string, unknown>;

/** Runs `read` in one REPEATABLE READ, read-only transaction (one snapshot). */
export async function snapshot<T>(pool: pg.Pool, read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toLedgerError(err);
  }
  let broken: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const out = await read(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    throw toLedgerError(err);
  } finally {
    client.release(broken);
  }
}

const AUDIT = `
  WITH sources AS (
    SELECT packet_id AS source_id, total FROM packets UNION ALL SELECT rain_id, total FROM rains)
  SELECT
    (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE kind = 'mint') AS minted,
    (SELECT coalesce(sum(amount), 0) FROM ledger_entries) AS wallets,
    (SELECT coalesce(sum(total), 0) FROM sources)
      - (SELECT coalesce(sum(amount), 0) FROM claims) AS escrow,
    (SELECT coalesce(sum(amount), 0) FROM holds WHERE state = 'held')
      + (SELECT coalesce(sum(c.amount), 0) FROM claims c
         WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.entry_id = 'credit:' || c.claim_id)) AS in_flight,
    (SELECT count(*) FROM (SELECT 1 FROM claims WHERE reason IN ('grab', 'drop')
       GROUP BY source_id, drop_id, user_id HAVING count(*) > 1) d) AS double_claims,
    (SELECT count(*) FROM ledger_entries e WHERE e.kind = 'credit' AND NOT EXISTS (
       SELECT 1 FROM claims c WHERE c.claim_id = e.ref AND c.user_id = e.user_id AND c.amount = e.amount))
    + (SELECT count(*) FROM ledger_entries e WHERE e.kind = 'release' AND NOT EXISTS (
       SELECT 1 FROM ledger_entries h WHERE h.entry_id = 'hold:' || e.ref AND h.user_id = e.user_id AND h.amount = -e.amount))
    + (SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.source_id = c.source_id))
    + (SELECT count(*) FROM sources s WHERE s.total < (SELECT coalesce(sum(amount), 0) FROM claims c WHERE c.source_id = s.source_id))
      AS ledger_mismatches`;

/**
 * The conservation audit of audit/audit-tally.ts, on PostgreSQL alone:
 * Σ minted = Σ wallets + Σ escrow + Σ in flight, where wallets = Σ every entry, escrow =
 * Σ packet and rain totals − Σ their claims (refunds included, so a closed one holds 0), in
 * flight = holds with neither a packet/rain nor a release + claims whose credit entry is not
 * in yet. doubleClaims: (packet or drop, user) pairs claimed twice (the unique index makes it
 * 0). ledgerMismatches: entries that do not match what they pay out (a credit without its
 * claim or with another user or amount, a release unlike its hold), claims of an unknown
 * source, and sources that paid out more than they held. A wallet's balance *is* the sum of
 * its entries here, so the Redis audit's "ledger does not add up" cannot happen.
 */
export function auditPostgres(pool: pg.Pool): Promise<AuditReport> {
  return snapshot(pool, async (client) => {
    const row = (await client.query<Row>(AUDIT)).rows[0];
    return auditReport({
      minted: fen(col(row, 'minted'), 'minted'),
      wallets: fen(col(row, 'wallets'), 'wallets'),
      escrow: fen(col(row, 'escrow'), 'escrow'),
      inFlight: fen(col(row, 'in_flight'), 'in_flight'),
      doubleClaims: fen(col(row, 'double_claims'), 'double_claims'),
      ledgerMismatches: fen(col(row, 'ledger_mismatches'), 'ledger_mismatches'),
    });
  });
}

/** Balances of the given wallets (all wallets when omitted); a wallet with no entry is absent. */
export function walletBalances(pool: pg.Pool, userIds?: string[]): Promise<Map<string, number>> {
  return snapshot(pool, async (client) => {
    const result = userIds
      ? await client.query<Row>('SELECT user_id, balance FROM wallet_balances WHERE user_id = ANY($1)', [
          userIds,
        ])
      : await client.query<Row>('SELECT user_id, balance FROM wallet_balances');
    return new Map(
      result.rows.map((r) => [text(col(r, 'user_id'), 'user_id'), fen(col(r, 'balance'), 'balance')]),
    );
  });
}

/**
 * `shares` less one occurrence of each claimed amount, order kept: the store pops shares
 * from the front, so this is the unpopped tail; as a multiset it is exact whatever the order.
 */
export function remainingShares(shares: number[], claimed: number[]): number[] {
  const left = [...shares];
  for (const amount of claimed) {
    const i = left.indexOf(amount);
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

export interface OpenPacket {
  packetId: string;
  /** The PacketRecord as created (decode it before use). */
  record: Record<string, unknown>;
  expiresAt: number;
  remainingShares: number[];
}

/** Packets with shares left and no refund (not expired, cancelled or finished): open escrow. */
export function openPackets(pool: pg.Pool): Promise<OpenPacket[]> {
  return snapshot(pool, async (client) => {
    const result = await client.query<Row>(`
      SELECT p.packet_id, p.record, p.expires_at, p.shares,
             coalesce(array_agg(c.amount) FILTER (WHERE c.claim_id IS NOT NULL), '{}') AS claimed
      FROM packets p LEFT JOIN claims c ON c.source_id = p.packet_id AND c.reason = 'grab'
      WHERE NOT EXISTS (SELECT 1 FROM claims r WHERE r.source_id = p.packet_id AND r.reason = 'refund')
      GROUP BY p.packet_id
      ORDER BY p.created_at`);
    return result.rows
      .map((r) => ({
        packetId: text(col(r, 'packet_id'), 'packet_id'),
        record: jsonObject(col(r, 'record'), 'record'),
        expiresAt: millis(col(r, 'expires_at'), 'expires_at'),
        remainingShares: remainingShares(
          fenArray(col(r, 'shares'), 'shares'),
          fenArray(col(r, 'claimed'), 'claimed'),
        ),
      }))
      .filter((p) => p.remainingShares.length > 0);
  });
}

export interface OpenRain {
  rainId: string;
  record: Record<string, unknown>;
  /** Every drop with the shares it still holds (possibly none). */
  drops: { dropId: string; remainingShares: number[] }[];
}

/** Rains with no end refund yet, each drop's unclaimed shares. */
export function openRains(pool: pg.Pool): Promise<OpenRain[]> {
  return snapshot(pool, async (client) => {
    const result = await client.query<Row>(`
      SELECT r.rain_id, r.record, d.drop_id, d.shares,
             coalesce(array_agg(c.amount) FILTER (WHERE c.claim_id IS NOT NULL), '{}') AS claimed
      FROM rains r JOIN rain_drops d USING (rain_id)
      LEFT JOIN claims c ON c.source_id = r.rain_id AND c.drop_id = d.drop_id
      WHERE NOT EXISTS (SELECT 1 FROM claims x WHERE x.source_id = r.rain_id AND x.reason = 'rain-refund')
      GROUP BY r.rain_id, d.rain_id, d.drop_id
      ORDER BY r.created_at, r.rain_id, d.drop_id`);
    const rains = new Map<string, OpenRain>();
    for (const r of result.rows) {
      const rainId = text(col(r, 'rain_id'), 'rain_id');
      let rain = rains.get(rainId);
      if (!rain)
        rains.set(rainId, (rain = { rainId, record: jsonObject(col(r, 'record'), 'record'), drops: [] }));
      rain.drops.push({
        dropId: text(col(r, 'drop_id'), 'drop_id'),
        remainingShares: remainingShares(
          fenArray(col(r, 'shares'), 'shares'),
          fenArray(col(r, 'claimed'), 'claimed'),
        ),
      });
    }
    return [...rains.values()];
  });
}

/** Every claim of the given packets or rains (refunds included), oldest first. */
export function claimsOf(pool: pg.Pool, sourceIds: string[]): Promise<ClaimRow[]> {
  return snapshot(pool, async (client) => {
    const result = await client.query<Row>(
      `SELECT claim_id, source_id, drop_id, user_id, amount, reason, created_at
       FROM claims WHERE source_id = ANY($1) ORDER BY created_at, claim_id`,
      [sourceIds],
    );
    return result.rows.map((r) => ({
      table: 'claim' as const,
      claimId: text(col(r, 'claim_id'), 'claim_id'),
      sourceId: text(col(r, 'source_id'), 'source_id'),
      dropId: nullableText(col(r, 'drop_id'), 'drop_id'),
      userId: text(col(r, 'user_id'), 'user_id'),
      amount: fen(col(r, 'amount'), 'amount'),
      reason: reasonOf(text(col(r, 'reason'), 'reason')),
      at: millis(col(r, 'created_at'), 'created_at'),
    }));
  });
}

const REASONS = ['grab', 'refund', 'drop', 'rain-refund'] as const;
function reasonOf(value: string): ClaimRow['reason'] {
  const found = REASONS.find((r) => r === value);
  if (!found) throw new MalformedRowError(`unknown claim reason ${value}`);
  return found;
}
